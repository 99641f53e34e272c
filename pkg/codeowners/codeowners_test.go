package codeowners

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPatternMatching(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"*", []string{"README.md", "a/b/c.go", ".github/x"}, nil},
		{"*.js", []string{"app.js", "web/ui/app.js", "a.js/inner"}, []string{"app.jsx", "js"}},
		{"/build/logs/", []string{"build/logs/a.log", "build/logs/deep/b.log"}, []string{"build/logs", "x/build/logs/a.log"}},
		{"docs/*", []string{"docs/getting-started.md"}, []string{"docs/build-app/troubleshooting.md", "x/docs/a.md", "docs"}},
		{"apps/", []string{"apps/a.go", "src/apps/b/c.go"}, []string{"apps", "myapps/a.go"}},
		{"/docs/", []string{"docs/a.md", "docs/x/y.md"}, []string{"src/docs/a.md"}},
		{"docs", []string{"docs", "docs/a.md", "x/docs/a.md"}, []string{"documentation/a.md"}},
		{"/tsdb", []string{"tsdb", "tsdb/head.go", "tsdb/agent/db.go"}, []string{"tsdbx/a.go", "pkg/tsdb/a.go"}},
		{"/scripts/ ", []string{"scripts/a.sh"}, nil},
		{"**/logs", []string{"logs", "logs/a", "build/logs/a", "a/b/logs"}, []string{"logsx"}},
		{"a/**/b", []string{"a/b", "a/x/b", "a/x/y/b/c"}, []string{"b", "x/a/b"}},
		{"a/**", []string{"a/x", "a/x/y"}, []string{"a", "b/a/x"}},
		{"/**", []string{"anything/at/all"}, nil},
		{"**", []string{"x", "y/z"}, nil},
		{"src/*.go", []string{"src/main.go"}, []string{"src/sub/main.go", "main.go"}},
		{"file?.txt", []string{"file1.txt", "d/fileA.txt"}, []string{"file10.txt", "file/.txt"}},
		{`my\ dir/`, []string{"my dir/a"}, []string{"my/a"}},
		{"/web/ui/module", []string{"web/ui/module/codemirror/x.ts"}, []string{"web/ui/modules/x"}},
		{"Makefile", []string{"Makefile", "sub/Makefile"}, []string{"Makefile.common"}},
		{"/ünïcode/", []string{"ünïcode/a"}, []string{"unicode/a"}},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			f := Parse([]byte(tc.pattern + " @owner\n"))
			if len(f.Rules) != 1 {
				t.Fatalf("rules = %d, problems %v", len(f.Rules), f.Problems)
			}
			for _, p := range tc.match {
				if !f.Rules[0].Matches(p) {
					t.Errorf("%q should match %q (re %s)", tc.pattern, p, f.Rules[0].re)
				}
			}
			for _, p := range tc.noMatch {
				if f.Rules[0].Matches(p) {
					t.Errorf("%q should not match %q (re %s)", tc.pattern, p, f.Rules[0].re)
				}
			}
		})
	}
}

func TestParseSyntax(t *testing.T) {
	src := strings.Join([]string{
		"# a comment",
		"",
		"   # indented comment",
		"*       @org/everyone",
		"/docs/  @writer docs@example.com # inline comment",
		`\#odd   @hash`,
		"!neg    @nobody",
		"*.[ch]  @c-people",
		"/bad    not-an-owner",
		"/docs/generated/",
		"\r",
	}, "\n")
	f := Parse([]byte(src))
	var patterns []string
	for _, r := range f.Rules {
		patterns = append(patterns, r.Pattern)
	}
	if want := []string{"*", "/docs/", `\#odd`, "/docs/generated/"}; !reflect.DeepEqual(patterns, want) {
		t.Fatalf("patterns = %q, want %q", patterns, want)
	}
	if got := f.Rules[1].Owners; !reflect.DeepEqual(got, []string{"@writer", "docs@example.com"}) {
		t.Errorf("inline comment not stripped: %q", got)
	}
	var lines []int
	for _, p := range f.Problems {
		lines = append(lines, p.Line)
	}
	// \#odd is kept with a warning; !neg, [ch] and the bad owner are skipped.
	if want := []int{6, 7, 8, 9}; !reflect.DeepEqual(lines, want) {
		t.Errorf("problem lines = %v, want %v (%v)", lines, want, f.Problems)
	}

	for _, tc := range []struct {
		path   string
		users  []string
		teams  []string
		emails []string
		owned  bool
	}{
		{"main.go", nil, []string{"org/everyone"}, nil, true},
		{"docs/a.md", []string{"writer"}, nil, []string{"docs@example.com"}, true},
		// Last match wins, and a pattern with no owners un-owns.
		{"docs/generated/api.md", nil, nil, nil, true},
		{"#odd/x", []string{"hash"}, nil, nil, true},
	} {
		o := f.Owners(tc.path)
		if o.Matched != tc.owned || !reflect.DeepEqual(o.Users, tc.users) || !reflect.DeepEqual(o.Teams, tc.teams) || !reflect.DeepEqual(o.Emails, tc.emails) {
			t.Errorf("Owners(%q) = %+v", tc.path, o)
		}
	}
	var nilFile *File
	if o := nilFile.Owners("x"); o.Matched {
		t.Errorf("nil file owns x")
	}
}

func load(t *testing.T, name string) *File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f := Parse(data)
	if len(f.Problems) != 0 {
		t.Fatalf("%s: unexpected problems %v", name, f.Problems)
	}
	return f
}

func TestRealFiles(t *testing.T) {
	prom := load(t, "prometheus-CODEOWNERS")
	am := load(t, "alertmanager-CODEOWNERS")
	dm := "prometheus/default-maintainers"
	for _, tc := range []struct {
		name    string
		f       *File
		path    string
		pattern string
		users   []string
		teams   []string
	}{
		{"tsdb file", prom, "tsdb/head.go", "/tsdb", []string{"jesusvazquez", "codesome", "bwplotka", "krajorama"}, []string{dm}},
		{"deeper rule wins", prom, "tsdb/agent/db.go", "/tsdb/agent", []string{"jesusvazquez", "codesome", "bwplotka", "krajorama", "kgeckhart"}, []string{dm}},
		{"tsdb docs", prom, "tsdb/docs/format/chunks.md", "/tsdb", []string{"jesusvazquez", "codesome", "bwplotka", "krajorama"}, []string{dm}},
		{"nobody specific", prom, "README.md", "*", nil, []string{dm}},
		{"anchored, not nested", prom, "documentation/examples/tsdb/x.go", "*", nil, []string{dm}},
		{"file pattern", prom, "Makefile", "/Makefile", []string{"simonpasquier", "SuperQ"}, []string{dm}},
		{"web ui module", prom, "web/ui/module/codemirror-promql/src/index.ts", "/web/ui/module", []string{"juliusv", "nexucis"}, []string{dm}},
		{"trailing slash dir", prom, "discovery/aws/ec2.go", "/discovery/aws/", []string{"matt-gp", "sysadmind"}, []string{dm}},
		{"commented-out rule ignored", prom, "discovery/nomad/nomad.go", "*", nil, []string{dm}},
		{"otlp", prom, "storage/remote/otlptranslator/prometheusremotewrite/helper.go", "/storage/remote/otlptranslator", []string{"aknuds1", "jesusvazquez", "ArthurSens"}, []string{dm}},
		{"alertmanager notifier", am, "notify/slack/slack.go", "/notify/slack", nil, []string{"prometheus/alertmanager-maintainers"}},
		{"alertmanager fallback", am, "config/config.go", "*", nil, []string{"prometheus/alertmanager-maintainers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.f.Owners(tc.path)
			if !o.Matched || o.Rule.Pattern != tc.pattern {
				t.Fatalf("Owners(%q) decided by %q, want %q", tc.path, o.Rule.Pattern, tc.pattern)
			}
			if !reflect.DeepEqual(o.Users, tc.users) || !reflect.DeepEqual(o.Teams, tc.teams) {
				t.Errorf("Owners(%q) users %q teams %q, want %q %q", tc.path, o.Users, o.Teams, tc.users, tc.teams)
			}
		})
	}
}

type fakeGetter map[string]string

func (g fakeGetter) GetFile(_ context.Context, path string) ([]byte, bool, error) {
	if path == "boom" {
		return nil, false, errors.New("boom")
	}
	s, ok := g[path]
	return []byte(s), ok, nil
}

func TestFind(t *testing.T) {
	if got := Locations(); !reflect.DeepEqual(got, []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}) {
		t.Errorf("Locations = %q", got)
	}
	for _, tc := range []struct {
		name  string
		files fakeGetter
		want  string
	}{
		{"github dir first", fakeGetter{"CODEOWNERS": "* @root", ".github/CODEOWNERS": "* @gh", "docs/CODEOWNERS": "* @docs"}, ".github/CODEOWNERS"},
		{"root before docs", fakeGetter{"CODEOWNERS": "* @root", "docs/CODEOWNERS": "* @docs"}, "CODEOWNERS"},
		{"docs last", fakeGetter{"docs/CODEOWNERS": "* @docs"}, "docs/CODEOWNERS"},
		{"none, like thanos", fakeGetter{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, path, err := Find(context.Background(), tc.files)
			if err != nil {
				t.Fatal(err)
			}
			if path != tc.want || (tc.want == "") != (f == nil) {
				t.Fatalf("Find = %v, %q; want %q", f, path, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"prometheus-CODEOWNERS", "alertmanager-CODEOWNERS"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "tsdb/head.go")
	}
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		file := Parse(data)
		for _, r := range file.Rules {
			if r.re == nil {
				t.Fatalf("rule %q without a regexp", r.Pattern)
			}
		}
		o := file.Owners(path)
		if !o.Matched && (len(o.Users)+len(o.Teams)+len(o.Emails)) > 0 {
			t.Fatalf("owners without a match")
		}
		if len(o.Users)+len(o.Teams)+len(o.Emails) != len(o.Rule.Owners) {
			t.Fatalf("owners lost: %+v", o)
		}
	})
}
