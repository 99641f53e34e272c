package maintainers

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func load(t testing.TB, name string) *List {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(data)
}

func logins(es []Entry, role Role) []string {
	var out []string
	for _, e := range es {
		if e.Role == role {
			out = append(out, e.Login)
		}
	}
	return out
}

func byLogin(t *testing.T, l *List, login string) Entry {
	t.Helper()
	for _, e := range l.Entries {
		if e.Login == login {
			return e
		}
	}
	t.Fatalf("%s not found", login)
	return Entry{}
}

func TestPrometheus(t *testing.T) {
	l := load(t, "prometheus-MAINTAINERS.md")
	if len(l.Problems) != 0 {
		t.Errorf("problems: %v", l.Problems)
	}
	want := []string{
		"bboreham", "machine424", "roidelapluie", "krajorama", "bwplotka", "aknuds1",
		"dgl", "jooola", "apricote", "brancz", "rexagod", "jkroepke", "mrvarmazyar", "remyleone",
		"metalmatze", "vpranckaitis", "cstyan", "tomwilkie", "alexgreenbank", "ArthurSens", "jesusvazquez",
		"codesome", "kgeckhart", "juliusv", "nexucis", "simonpasquier", "SuperQ",
	}
	if got := logins(l.Entries, RoleMaintainer); !reflect.DeepEqual(got, want) {
		t.Errorf("maintainers =\n%q\nwant\n%q", got, want)
	}
	for _, tc := range []struct {
		login, name string
		areas       []string
	}{
		{"bboreham", "Bryan Boreham", nil},
		{"dgl", "David Leadbeater", []string{"cmd/promtool"}},
		{"apricote", "Julian Tölle", []string{"discovery/hetzner"}},
		// The real file lacks a closing parenthesis after @ArthurSens.
		{"ArthurSens", "Arthur Silva Sens", []string{"storage/remote/otlptranslator"}},
		{"jesusvazquez", "Jesús Vázquez", []string{"storage/remote/otlptranslator", "tsdb"}},
		{"kgeckhart", "Kyle Eckhart", []string{"tsdb/agent"}},
		{"nexucis", "Augustin Husson", []string{"web/ui/module"}},
		{"SuperQ", "Ben Kochie", []string{"Makefile"}},
		{"vpranckaitis", "Vilius Pranckaitis", []string{"promql"}},
	} {
		e := byLogin(t, l, tc.login)
		if e.Name != tc.name || !reflect.DeepEqual(e.Areas, tc.areas) {
			t.Errorf("%s = %q %q, want %q %q", tc.login, e.Name, e.Areas, tc.name, tc.areas)
		}
	}
	// v3 release coordinators who are listed nowhere else are not maintainers.
	for _, e := range l.Entries {
		if e.Login == "carrieedwards" || e.Login == "sh0rez" {
			t.Errorf("release coordinator %s listed", e.Login)
		}
	}
}

func TestAlertmanager(t *testing.T) {
	l := load(t, "alertmanager-MAINTAINERS.md")
	want := []string{"simonpasquier", "w0rm", "gotjosh", "grobinson-grafana", "SoloJacobs", "Spaceman1701", "ultrotter", "siavashs"}
	if got := logins(l.Entries, RoleMaintainer); !reflect.DeepEqual(got, want) {
		t.Errorf("maintainers = %q, want %q", got, want)
	}
	if e := byLogin(t, l, "w0rm"); e.Name != "Andrey Kuzmin" || len(e.Areas) != 0 {
		t.Errorf("w0rm = %+v", e)
	}
}

func TestThanos(t *testing.T) {
	l := load(t, "thanos-MAINTAINERS.md")
	wantM := []string{"bwplotka", "brancz", "GiedriusS", "squat", "onprem", "yeya24", "fpetkovski", "saswatamcode", "MichaHoffmann"}
	if got := logins(l.Entries, RoleMaintainer); !reflect.DeepEqual(got, wantM) {
		t.Errorf("maintainers = %q, want %q", got, wantM)
	}
	wantT := []string{"adrien-f", "bill3tt", "fusakla", "jojohappy", "daixiang0", "hanjm", "douglascamata", "harry671003", "pedro-stanaka", "ringerc"}
	if got := logins(l.Entries, RoleTriage); !reflect.DeepEqual(got, wantT) {
		t.Errorf("triage = %q, want %q", got, wantT)
	}
	if e := byLogin(t, l, "GiedriusS"); e.Name != "Giedrius Statkevičius" {
		t.Errorf("GiedriusS name = %q", e.Name)
	}
	// The Craig Ringer row links @ringerc to MichaHoffmann's profile: the
	// text wins, MichaHoffmann stays a maintainer, and the slip is reported.
	if e := byLogin(t, l, "ringerc"); e.Name != "Craig Ringer" || e.Role != RoleTriage {
		t.Errorf("ringerc = %+v", e)
	}
	if e := byLogin(t, l, "MichaHoffmann"); e.Role != RoleMaintainer {
		t.Errorf("MichaHoffmann = %+v", e)
	}
	if len(l.Problems) != 1 || !strings.Contains(l.Problems[0].Msg, "ringerc") {
		t.Errorf("problems = %v", l.Problems)
	}
	for _, e := range l.Entries {
		switch e.Login {
		case "domgreen", "povilasv", "pracucci", "metalmatze", "kakkoyun", "matej-g", "fabxc":
			t.Errorf("emeritus or initial author %s listed", e.Login)
		}
	}
}

func TestForPaths(t *testing.T) {
	prom := load(t, "prometheus-MAINTAINERS.md")
	thanos := load(t, "thanos-MAINTAINERS.md")
	type got struct {
		Login   string
		Areas   []string
		General bool
	}
	summarize := func(ms []Match) []got {
		var out []got
		for _, m := range ms {
			out = append(out, got{m.Entry.Login, m.Areas, m.General})
		}
		return out
	}
	generals := []got{
		{"bboreham", nil, true}, {"machine424", nil, true}, {"roidelapluie", nil, true},
		{"krajorama", nil, true}, {"bwplotka", nil, true}, {"aknuds1", nil, true},
	}
	for _, tc := range []struct {
		name  string
		list  *List
		paths []string
		want  []got
	}{
		{"tsdb", prom, []string{"tsdb/head.go"}, append([]got{
			{"jesusvazquez", []string{"tsdb"}, false},
			{"codesome", []string{"tsdb"}, false},
		}, generals...)},
		{"nested area and parent", prom, []string{"tsdb/agent/db.go", "storage/remote/write.go"}, append([]got{
			{"cstyan", []string{"storage/remote"}, false},
			{"tomwilkie", []string{"storage/remote"}, false},
			{"alexgreenbank", []string{"storage/remote"}, false},
			{"jesusvazquez", []string{"tsdb"}, false},
			{"codesome", []string{"tsdb"}, false},
			{"kgeckhart", []string{"tsdb/agent"}, false},
		}, generals...)},
		{"more paths rank first", prom, []string{"tsdb/a.go", "storage/remote/otlptranslator/b.go"}, append([]got{
			{"jesusvazquez", []string{"storage/remote/otlptranslator", "tsdb"}, false},
			// storage/remote covers storage/remote/otlptranslator too.
			{"cstyan", []string{"storage/remote"}, false},
			{"tomwilkie", []string{"storage/remote"}, false},
			{"alexgreenbank", []string{"storage/remote"}, false},
			{"ArthurSens", []string{"storage/remote/otlptranslator"}, false},
			{"codesome", []string{"tsdb"}, false},
		}, generals...)},
		{"file area", prom, []string{"Makefile"}, append([]got{
			{"simonpasquier", []string{"Makefile"}, false},
			{"SuperQ", []string{"Makefile"}, false},
		}, generals...)},
		{"prefix is not a parent", prom, []string{"tsdbx/a.go", "Makefile.common"}, generals},
		{"thanos has no areas", thanos, []string{"pkg/store/bucket.go"}, []got{
			{"bwplotka", nil, true}, {"brancz", nil, true}, {"GiedriusS", nil, true}, {"squat", nil, true},
			{"onprem", nil, true}, {"yeya24", nil, true}, {"fpetkovski", nil, true}, {"saswatamcode", nil, true},
			{"MichaHoffmann", nil, true},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if g := summarize(tc.list.ForPaths(tc.paths)); !reflect.DeepEqual(g, tc.want) {
				t.Errorf("ForPaths(%q) =\n%v\nwant\n%v", tc.paths, g, tc.want)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	for _, tc := range []struct {
		area, path string
		want       bool
	}{
		{"documentation/examples/remote_storage", "documentation/examples/remote_storage/example_write_adapter/server.go", true},
		{"documentation/examples/remote_storage", "documentation/examples/remote_storage", true},
		{"documentation/examples/remote_storage", "documentation/examples/remote_storage_x/a", false},
		{"tsdb/", "/tsdb/head.go", true},
		{"", "x", false},
	} {
		if got := Covers(tc.area, tc.path); got != tc.want {
			t.Errorf("Covers(%q, %q) = %v", tc.area, tc.path, got)
		}
	}
}

func TestParseSmall(t *testing.T) {
	src := strings.Join([]string{
		"## Maintainers",
		"- Ann <ann@example.com> @ann",
		"* `pkg`",
		"\t* `store`: Bob (bob@example.com / @bob) and Cy (@cy)",
		"## Emeritus",
		"- Old <old@example.com> @old",
		"## Triage",
		"| Name | GitHub |",
		"|---|---|",
		"| Dee | @dee |",
		"| Eve | [Eve's profile](https://github.com/eve) |",
		"| Ann again | [@ANN](https://github.com/ann) |",
	}, "\n")
	l := Parse([]byte(src))
	var got []string
	for _, e := range l.Entries {
		got = append(got, e.Login+"|"+e.Name+"|"+string(e.Role)+"|"+strings.Join(e.Areas, ","))
	}
	want := []string{
		"ann|Ann|maintainer|",
		"bob|Bob|maintainer|pkg/store",
		"cy|Cy|maintainer|pkg/store",
		"dee|Dee|triage|",
		"eve|Eve|triage|",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries =\n%q\nwant\n%q", got, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"prometheus-MAINTAINERS.md", "thanos-MAINTAINERS.md", "alertmanager-MAINTAINERS.md"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := Parse(data)
		seen := map[string]bool{}
		for _, e := range l.Entries {
			k := strings.ToLower(e.Login)
			if e.Login == "" || seen[k] {
				t.Fatalf("empty or duplicate login %q", e.Login)
			}
			seen[k] = true
			if e.Role != RoleMaintainer && e.Role != RoleTriage {
				t.Fatalf("role %q", e.Role)
			}
		}
		_ = l.ForPaths([]string{"a/b", "tsdb/head.go"})
	})
}
