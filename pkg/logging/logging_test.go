package logging

import (
	"bytes"
	"strings"
	"testing"
)

func TestLogfmt(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"level":"info","msg":"serving webhooks","addr":"127.0.0.1:8080"}`, `level=info msg="serving webhooks" addr=127.0.0.1:8080`},
		{`{"took_seconds":0.5,"ok":true,"n":null}`, `took_seconds=0.5 ok=true n=null`},
		{`{"msg":"say \"hi\"","empty":""}`, `msg="say \"hi\"" empty=""`},
		{`{"obj":{"a":[1, 2]}}`, `obj="{\"a\":[1,2]}"`},
		{`{"key":"a=b"}`, `key="a=b"`},
		{`{"line":"one\ntwo"}`, `line="one\ntwo"`},
	} {
		got, err := Logfmt([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if string(got) != tc.want+"\n" {
			t.Errorf("%s:\n got %q\nwant %q", tc.in, got, tc.want+"\n")
		}
	}
	if _, err := Logfmt([]byte(`[1]`)); err == nil {
		t.Error("a JSON array was accepted as a log line")
	}
}

func TestNew(t *testing.T) {
	var b bytes.Buffer
	log, err := New(&b, "info", "logfmt")
	if err != nil {
		t.Fatal(err)
	}
	log.Debug().Msg("hidden")
	log.Info().Str("sweep", "remind").Msg("sweep done")
	if got := b.String(); strings.Contains(got, "hidden") || !strings.HasPrefix(got, "level=info ") || !strings.Contains(got, `sweep=remind`) || !strings.HasSuffix(got, "message=\"sweep done\"\n") {
		t.Errorf("logfmt line: %q", got)
	}
	for _, bad := range [][2]string{{"verbose", "json"}, {"", "json"}, {"info", "text"}} {
		if _, err := New(&b, bad[0], bad[1]); err == nil {
			t.Errorf("New(%q, %q) accepted", bad[0], bad[1])
		}
	}
}
