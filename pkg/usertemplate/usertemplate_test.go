package usertemplate

import (
	"strings"
	"testing"
	"text/template"
)

func TestRender(t *testing.T) {
	data := struct{ Name string }{"alice"}
	upper := template.FuncMap{"up": strings.ToUpper}
	tests := []struct {
		src, want, wantErr string
		max                int
	}{
		{src: "hi {{ up .Name }}", want: "hi ALICE", max: 100},
		{src: "{{ .Nope }}", wantErr: "execute", max: 100},
		{src: "{{ if }}", wantErr: "parse", max: 100},
		{src: "  {{/* nothing */}}  ", wantErr: "renders an empty welcome", max: 100},
		{src: "{{ .Name }}{{ .Name }}", wantErr: "renders 10 characters, more than the 8 a welcome may hold", max: 8},
	}
	for _, tc := range tests {
		got, err := Render("t", "welcome", tc.src, upper, data, tc.max)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Render(%q) error = %v, want %q", tc.src, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tc.src, got, err, tc.want)
		}
	}
}
