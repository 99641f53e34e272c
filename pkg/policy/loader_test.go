package policy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/rs/zerolog"
)

// fakeGitHub stands in for the two endpoints appconfig uses: a repository's
// metadata (for the default branch) and the contents API.
type fakeGitHub struct {
	mu sync.Mutex
	// files maps "owner/repo:path" to content; a repository exists when it
	// has at least one file or is listed in repos.
	files map[string]string
	repos map[string]bool
	// status, when set for "owner/repo:path" or "owner/repo", is returned
	// instead of the content.
	status map[string]int
	calls  int
}

func newFakeGitHub() *fakeGitHub {
	return &fakeGitHub{files: map[string]string{}, repos: map[string]bool{}, status: map[string]int{}}
}

func (f *fakeGitHub) set(key, content string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[key] = content
	repo, _, _ := strings.Cut(key, ":")
	f.repos[repo] = true
}

func (f *fakeGitHub) fail(key string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if status == 0 {
		delete(f.status, key)
		return
	}
	f.status[key] = status
}

func (f *fakeGitHub) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/{owner}/{repo}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls++
		repo := r.PathValue("owner") + "/" + r.PathValue("repo")
		if st := f.status[repo]; st != 0 {
			writeJSON(w, st, map[string]string{"message": http.StatusText(st)})
			return
		}
		if !f.repos[repo] {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"name": r.PathValue("repo"), "full_name": repo, "default_branch": "main"})
	})
	mux.HandleFunc("GET /repos/{owner}/{repo}/contents/{path...}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls++
		key := r.PathValue("owner") + "/" + r.PathValue("repo") + ":" + r.PathValue("path")
		if st := f.status[key]; st != 0 {
			writeJSON(w, st, map[string]string{"message": http.StatusText(st)})
			return
		}
		content, ok := f.files[key]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"type": "file", "encoding": "base64", "size": len(content),
			"name": r.PathValue("path"), "path": r.PathValue("path"),
			"content": base64.StdEncoding.EncodeToString([]byte(content)),
		})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func newClient(t *testing.T, f *fakeGitHub) *github.Client {
	t.Helper()
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	c := github.NewClient(srv.Client())
	u, err := url.Parse(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = u
	return c
}

// logCtx returns a context whose zerolog logger writes to the buffer.
func logCtx(buf *bytes.Buffer) context.Context {
	l := zerolog.New(buf).Level(zerolog.InfoLevel) // appconfig debugs every file it tries
	return l.WithContext(context.Background())
}

const orgPolicy = `program:
  name: LFX Mentorship 2026 Term 3
  tracking_repo: thanos-io/thanos
mentees:
  - login: alice
    tracking_issue: thanos-io/thanos#7000
reviews:
  wait: 72h
  timezone: Europe/Warsaw
`

func TestLoaderMissingEverywhere(t *testing.T) {
	for _, name := range []string{"no .github repository", ".github without mentorbot.yml"} {
		t.Run(name, func(t *testing.T) {
			f := newFakeGitHub()
			if name != "no .github repository" {
				f.set("thanos-io/.github:README.md", "hi")
			}
			var logs bytes.Buffer
			res, err := NewLoader().Load(logCtx(&logs), newClient(t, f), 1, "thanos-io", "thanos")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res, Result{Policy: Default()}) {
				t.Errorf("got %+v, want defaults", res)
			}
			if logs.Len() != 0 {
				t.Errorf("a missing policy is not worth a warning: %s", logs.String())
			}
		})
	}
}

func TestLoaderSources(t *testing.T) {
	cases := []struct {
		name       string
		files      map[string]string
		wantSource string
		check      func(t *testing.T, p Policy)
	}{
		{
			name:       "org default only",
			files:      map[string]string{"thanos-io/.github:mentorbot.yml": orgPolicy},
			wantSource: "thanos-io/.github:mentorbot.yml",
			check: func(t *testing.T, p Policy) {
				if len(p.Mentees) != 1 || p.Reviews.Timezone != "Europe/Warsaw" {
					t.Errorf("policy = %+v", p)
				}
			},
		},
		{
			name:       "repository only",
			files:      map[string]string{"thanos-io/thanos:.github/mentorbot.yml": "reviews:\n  wait: 24h\n"},
			wantSource: "thanos-io/thanos:.github/mentorbot.yml",
			check: func(t *testing.T, p Policy) {
				if p.Reviews.Wait.D() != 24*time.Hour || len(p.Mentees) != 0 || p.Reviews.Timezone != "UTC" {
					t.Errorf("policy = %+v", p)
				}
			},
		},
		{
			name: "repository overrides one key of the org default",
			files: map[string]string{
				"thanos-io/.github:mentorbot.yml":        orgPolicy,
				"thanos-io/thanos:.github/mentorbot.yml": "reviews:\n  wait: 24h\n",
			},
			wantSource: "thanos-io/.github:mentorbot.yml + thanos-io/thanos:.github/mentorbot.yml",
			check: func(t *testing.T, p Policy) {
				if p.Reviews.Wait.D() != 24*time.Hour {
					t.Errorf("wait = %v, want the repository's 24h", p.Reviews.Wait)
				}
				if p.Reviews.Timezone != "Europe/Warsaw" || len(p.Mentees) != 1 || p.Program.Name == "" {
					t.Errorf("the org's other keys should remain: %+v", p)
				}
			},
		},
		{
			name: "the .github repository's own override",
			files: map[string]string{
				"thanos-io/.github:mentorbot.yml":         orgPolicy,
				"thanos-io/.github:.github/mentorbot.yml": "welcome:\n  enabled: false\n",
			},
			wantSource: "thanos-io/.github:mentorbot.yml + thanos-io/.github:.github/mentorbot.yml",
			check: func(t *testing.T, p Policy) {
				if p.Welcome.Enabled || len(p.Mentees) != 1 {
					t.Errorf("policy = %+v", p)
				}
			},
		},
		{
			name: "repository file is a remote reference",
			files: map[string]string{
				"thanos-io/.github:mentorbot.yml":          orgPolicy,
				"thanos-io/thanos:.github/mentorbot.yml":   "remote: thanos-io/policies\n",
				"thanos-io/policies:.github/mentorbot.yml": "digest:\n  hour: 7\n",
			},
			wantSource: "thanos-io/.github:mentorbot.yml + thanos-io/thanos:.github/mentorbot.yml -> thanos-io/policies@main:.github/mentorbot.yml",
			check: func(t *testing.T, p Policy) {
				if p.Digest.Hour != 7 || len(p.Mentees) != 1 {
					t.Errorf("policy = %+v", p)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGitHub()
			for k, v := range tc.files {
				f.set(k, v)
			}
			repo := "thanos"
			if strings.Contains(tc.name, ".github repository's") {
				repo = ".github"
			}
			var logs bytes.Buffer
			res, err := NewLoader().Load(logCtx(&logs), newClient(t, f), 1, "thanos-io", repo)
			if err != nil {
				t.Fatal(err)
			}
			if res.Source != tc.wantSource {
				t.Errorf("source = %q, want %q", res.Source, tc.wantSource)
			}
			if res.Stale || len(res.Problems) != 0 || logs.Len() != 0 {
				t.Errorf("unexpected: stale %v, problems %q, logs %s", res.Stale, problemStrings0(res.Problems), logs.String())
			}
			tc.check(t, res.Policy)
		})
	}
}

func TestLoaderUnreadable(t *testing.T) {
	for _, failing := range []string{
		"thanos-io/thanos:.github/mentorbot.yml",
		"thanos-io/.github:mentorbot.yml", // the org default, read as the base
	} {
		t.Run(failing, func(t *testing.T) {
			f := newFakeGitHub()
			f.set("thanos-io/.github:mentorbot.yml", orgPolicy)
			if failing != "thanos-io/.github" {
				f.set("thanos-io/thanos:.github/mentorbot.yml", "reviews:\n  wait: 24h\n")
			}
			client := newClient(t, f)
			l := NewLoader()
			ctx := context.Background()
			good, err := l.Load(ctx, client, 1, "thanos-io", "thanos")
			if err != nil {
				t.Fatal(err)
			}

			f.fail(failing, http.StatusBadGateway)
			res, err := l.Load(ctx, client, 1, "thanos-io", "thanos")
			if err == nil {
				t.Fatalf("want an error for a 502, got %+v", res)
			}
			var gerr *github.ErrorResponse
			if !errors.As(err, &gerr) || gerr.Response.StatusCode != http.StatusBadGateway {
				t.Errorf("error should wrap the API error: %v", err)
			}
			if !strings.Contains(err.Error(), "thanos-io/thanos") {
				t.Errorf("error should name the repository: %v", err)
			}

			// The last good policy was not touched: an invalid file now
			// falls back to it.
			f.fail(failing, 0)
			f.set("thanos-io/.github:mentorbot.yml", "reviews: [\n")
			res, err = l.Load(ctx, client, 1, "thanos-io", "thanos")
			if err != nil {
				t.Fatal(err)
			}
			if !res.Stale || !reflect.DeepEqual(res.Policy, good.Policy) {
				t.Errorf("want the last good policy, got %+v", res)
			}
		})
	}
}

func TestLoaderInvalid(t *testing.T) {
	f := newFakeGitHub()
	client := newClient(t, f)
	l := NewLoader()

	t.Run("no last good: defaults", func(t *testing.T) {
		f.set("thanos-io/.github:mentorbot.yml", "reviews:\n  waitt: 24h\n")
		var logs bytes.Buffer
		res, err := l.Load(logCtx(&logs), client, 1, "thanos-io", "thanos")
		if err != nil {
			t.Fatal(err)
		}
		if !res.Stale || !reflect.DeepEqual(res.Policy, Default()) {
			t.Errorf("want stale defaults, got %+v", res)
		}
		want := []string{`thanos-io/.github:mentorbot.yml: line 2: unknown key "waitt" in reviews (did you mean "wait"?)`}
		if got := problemStrings0(res.Problems); !reflect.DeepEqual(got, want) {
			t.Errorf("problems = %q, want %q", got, want)
		}
		assertLog(t, &logs, "policy invalid, using defaults", "thanos-io/.github:mentorbot.yml", `unknown key \"waitt\"`)
	})

	t.Run("last good kept", func(t *testing.T) {
		f.set("thanos-io/.github:mentorbot.yml", orgPolicy)
		good, err := l.Load(context.Background(), client, 1, "thanos-io", "thanos")
		if err != nil || good.Stale || len(good.Policy.Mentees) != 1 {
			t.Fatalf("good load: %+v, %v", good, err)
		}
		f.set("thanos-io/thanos:.github/mentorbot.yml", "digest:\n  hour: 24\n")
		var logs bytes.Buffer
		res, err := l.Load(logCtx(&logs), client, 1, "thanos-io", "thanos")
		if err != nil {
			t.Fatal(err)
		}
		if !res.Stale || !reflect.DeepEqual(res.Policy, good.Policy) {
			t.Errorf("want the last good policy, got %+v", res)
		}
		want := []string{`thanos-io/thanos:.github/mentorbot.yml: line 2: digest.hour: hour 24 is not in 0..23`}
		if got := problemStrings0(res.Problems); !reflect.DeepEqual(got, want) {
			t.Errorf("problems = %q, want %q", got, want)
		}
		assertLog(t, &logs, "policy invalid, keeping last good", "thanos-io/thanos:.github/mentorbot.yml", "hour 24")

		// Another repository has no last good of its own.
		res, err = l.Load(context.Background(), client, 1, "thanos-io", "other")
		if err != nil || res.Stale || len(res.Policy.Mentees) != 1 {
			t.Errorf("other repository: %+v, %v", res, err)
		}
	})

	t.Run("roster problems skip entries only", func(t *testing.T) {
		f.set("thanos-io/thanos:.github/mentorbot.yml", "mentees:\n  - login: bob\n  - login: \"carol smith\"\n")
		var logs bytes.Buffer
		res, err := l.Load(logCtx(&logs), client, 1, "thanos-io", "thanos")
		if err != nil {
			t.Fatal(err)
		}
		if res.Stale || len(res.Problems) != 1 || len(res.Policy.Mentees) != 1 || res.Policy.Mentees[0].Login != "bob" {
			t.Errorf("want bob kept and carol skipped, got %+v", res)
		}
		if len(res.Policy.Skipped) != 1 || res.Policy.Skipped[0].Source != "thanos-io/thanos:.github/mentorbot.yml" {
			t.Errorf("skipped = %+v", res.Policy.Skipped)
		}
		assertLog(t, &logs, "policy roster entries invalid, skipping them", "carol smith")

		// That policy is now the last good one.
		f.set("thanos-io/thanos:.github/mentorbot.yml", "version: 3\n")
		res, err = l.Load(context.Background(), client, 1, "thanos-io", "thanos")
		if err != nil || !res.Stale || len(res.Policy.Mentees) != 1 || res.Policy.Mentees[0].Login != "bob" {
			t.Errorf("want the roster with bob as last good, got %+v, %v", res, err)
		}
	})

	t.Run("too large", func(t *testing.T) {
		f := newFakeGitHub()
		client := newClient(t, f)
		f.set("thanos-io/thanos:.github/mentorbot.yml", "# "+strings.Repeat("x", 100)+"\n")
		var logs bytes.Buffer
		res, err := NewLoader(WithMaxFileSize(64)).Load(logCtx(&logs), client, 1, "thanos-io", "thanos")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"thanos-io/thanos:.github/mentorbot.yml: file is larger than 64 bytes"}
		if got := problemStrings0(res.Problems); !res.Stale || !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v", res)
		}
	})
}

func assertLog(t *testing.T, logs *bytes.Buffer, want ...string) {
	t.Helper()
	s := logs.String()
	if !strings.Contains(s, `"level":"warn"`) {
		t.Errorf("want a warning, got %q", s)
	}
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("log %q lacks %q", s, w)
		}
	}
}

func TestLoaderCacheBounded(t *testing.T) {
	f := newFakeGitHub()
	client := newClient(t, f)
	l := NewLoader(WithCacheSize(2))
	for _, r := range []string{"a", "b", "c"} {
		f.set("o/"+r+":.github/mentorbot.yml", "program:\n  name: "+r+"\n")
		if _, err := l.Load(context.Background(), client, 1, "o", r); err != nil {
			t.Fatal(err)
		}
	}
	if l.good.Contains(Key(1, "o", "a")) {
		t.Error("o/a should have been evicted")
	}
	for _, r := range []string{"b", "c"} {
		if p, ok := l.good.Get(Key(1, "o", r)); !ok || p.Program.Name != r {
			t.Errorf("o/%s: %+v, %v", r, p, ok)
		}
	}
	// Repository names are case-insensitive on GitHub; installations are not
	// interchangeable.
	if !l.good.Contains(Key(1, "O", "C")) {
		t.Error("keys should be case-insensitive")
	}
	if l.good.Contains(Key(2, "o", "c")) {
		t.Error("another installation's key found")
	}
}

func TestLoaderConcurrent(t *testing.T) {
	f := newFakeGitHub()
	f.set("o/.github:mentorbot.yml", orgPolicy)
	client := newClient(t, f)
	l := NewLoader(WithCacheSize(4))
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			repo := fmt.Sprintf("r%d", i%6)
			if i%3 == 0 {
				f.set("o/"+repo+":.github/mentorbot.yml", "digest:\n  hour: 99\n")
			}
			res, err := l.Load(context.Background(), client, 1, "o", repo)
			if err != nil {
				t.Error(err)
				return
			}
			// Callers own their copy.
			if len(res.Policy.Mentees) > 0 {
				res.Policy.Mentees[0].Login = "changed"
			}
		})
	}
	wg.Wait()
	if p, ok := l.good.Get(Key(1, "o", "r1")); ok && p.Mentees[0].Login != "alice" {
		t.Errorf("cached policy was changed through a result: %+v", p)
	}
}

// A file that parses to nothing, or a policy that lost its roster compared
// with the last good one, is flagged (warning and metric); a lost roster
// keeps the last good policy, unless the file ends the roster on purpose.
func TestLoaderFlagsEmptyAndLostRoster(t *testing.T) {
	for _, tc := range []struct {
		name      string
		before    string // org file loaded first ("": none)
		after     string
		wantStale bool
		wantFlags map[string]float64
		wantLog   []string
	}{
		{"empty after good", orgPolicy, "", true, map[string]float64{"empty": 1, "roster_lost": 1},
			[]string{"policy file is empty", "policy lost its mentee roster, keeping the last good policy", `"last_good_mentees":1`}},
		{"only comments after good", orgPolicy, "# emptied by mistake\n", true, map[string]float64{"empty": 1, "roster_lost": 1},
			[]string{"policy lost its mentee roster"}},
		{"roster key dropped", orgPolicy, "program:\n  name: X\n", true, map[string]float64{"roster_lost": 1},
			[]string{"policy lost its mentee roster"}},
		{"roster ended on purpose", orgPolicy, "program:\n  name: X\nmentees: []\n", false, map[string]float64{}, nil},
		{"empty without last good", "", "{}\n", false, map[string]float64{"empty": 1}, []string{"policy file is empty"}},
		{"roster kept", orgPolicy, orgPolicy, false, map[string]float64{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGitHub()
			client := newClient(t, f)
			reg := prometheus.NewRegistry()
			l := NewLoader(WithRegisterer(reg))
			if tc.before != "" {
				f.set("thanos-io/.github:mentorbot.yml", tc.before)
				if _, err := l.Load(context.Background(), client, 1, "thanos-io", "thanos"); err != nil {
					t.Fatal(err)
				}
			}
			f.set("thanos-io/.github:mentorbot.yml", tc.after)
			var logs bytes.Buffer
			res, err := l.Load(logCtx(&logs), client, 1, "thanos-io", "thanos")
			if err != nil {
				t.Fatal(err)
			}
			if res.Stale != tc.wantStale {
				t.Errorf("stale %v, want %v (%+v)", res.Stale, tc.wantStale, res.Problems)
			}
			if tc.wantStale && (len(res.Policy.Mentees) != 1 || res.Policy.Mentees[0].Login != "alice") {
				t.Errorf("last good roster not kept: %+v", res.Policy.Mentees)
			}
			for _, w := range tc.wantLog {
				if !strings.Contains(logs.String(), w) {
					t.Errorf("log lacks %q:\n%s", w, logs.String())
				}
			}
			if len(tc.wantLog) == 0 && logs.Len() > 0 {
				t.Errorf("unexpected log:\n%s", logs.String())
			}
			for _, reason := range []string{"empty", "roster_lost"} {
				var m dto.Metric
				if err := l.flagged.WithLabelValues(reason).Write(&m); err != nil {
					t.Fatal(err)
				}
				if got := m.GetCounter().GetValue(); got != tc.wantFlags[reason] {
					t.Errorf("mentorbot_policy_flagged_total{reason=%q} = %v, want %v", reason, got, tc.wantFlags[reason])
				}
			}
			// A stale result is not promoted: the next load flags again.
			if tc.wantStale {
				if res, _ := l.Load(context.Background(), client, 1, "thanos-io", "thanos"); !res.Stale {
					t.Error("the flagged policy became the last good one")
				}
			}
		})
	}

	// A repository seen for the first time after the org file was emptied
	// keeps the org's last good roster, whether the org's policy was last
	// loaded by an event (OrgRepo) or by a sweep (OrgWide).
	for _, org := range []string{OrgRepo, OrgWide} {
		f := newFakeGitHub()
		client := newClient(t, f)
		l := NewLoader()
		f.set("thanos-io/.github:mentorbot.yml", orgPolicy)
		if _, err := l.Load(context.Background(), client, 1, "thanos-io", org); err != nil {
			t.Fatal(err)
		}
		f.set("thanos-io/.github:mentorbot.yml", "")
		res, err := l.Load(context.Background(), client, 1, "thanos-io", "new-repo")
		if err != nil || !res.Stale || len(res.Policy.Mentees) != 1 {
			t.Errorf("org loaded as %q: new repository after the org file was emptied: %+v, %v", org, res, err)
		}
		// Another installation does not see it.
		if res, err := l.Load(context.Background(), client, 2, "thanos-io", "new-repo"); err != nil || res.Stale || len(res.Policy.Mentees) != 0 {
			t.Errorf("org loaded as %q: another installation got the last good roster: %+v, %v", org, res, err)
		}
	}
}
