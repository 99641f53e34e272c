package mentees

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestClosingRefs(t *testing.T) {
	ref := func(o, r string, n int) policy.IssueRef { return policy.IssueRef{Owner: o, Repo: r, Number: n} }
	tests := []struct {
		name, body string
		want       []policy.IssueRef
	}{
		{"fixes", "Fixes #12", []policy.IssueRef{ref("o", "r", 12)}},
		{"every keyword, any case", "close #1 CLOSES #2 closed #3 fix #4 Fixed #5 fixes #6 resolve #7 resolves #8 Resolved #9",
			[]policy.IssueRef{ref("o", "r", 1), ref("o", "r", 2), ref("o", "r", 3), ref("o", "r", 4), ref("o", "r", 5), ref("o", "r", 6), ref("o", "r", 7), ref("o", "r", 8), ref("o", "r", 9)}},
		{"colon", "Fixes: #12", []policy.IssueRef{ref("o", "r", 12)}},
		{"cross repo", "This resolves thanos-io/objstore#7.", []policy.IssueRef{ref("thanos-io", "objstore", 7)}},
		{"full URL", "Closes https://github.com/thanos-io/thanos/issues/8000", []policy.IssueRef{ref("thanos-io", "thanos", 8000)}},
		{"URL with anchor", "fixes https://github.com/a/b/issues/3#issuecomment-1", []policy.IssueRef{ref("a", "b", 3)}},
		{"enterprise URL", "fixes https://ghe.example.com/a/b/issues/3", []policy.IssueRef{ref("a", "b", 3)}},
		{"pull URL is not an issue", "fixes https://github.com/a/b/pull/3", nil},
		{"repeated once", "Fixes #1, fixes #1", []policy.IssueRef{ref("o", "r", 1)}},
		{"no keyword", "See #12 and relates to #13", nil},
		{"keyword inside a word", "prefixes #12, unfixed #3", nil},
		{"not a number", "fixes #12abc", nil},
		{"HTML comment of a template", "<!-- Fixes #<issue number> -->\n<!-- fixes #4 -->", nil},
		{"fenced code", "```\nfixes #4\n```\nfixes #5", []policy.IssueRef{ref("o", "r", 5)}},
		{"inline code", "write `fixes #4` to close", nil},
		{"dot in repo", "fixes a/b.go#2", []policy.IssueRef{ref("a", "b.go", 2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ClosingRefs(tc.body, "o", "r"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ClosingRefs(%q) = %v, want %v", tc.body, got, tc.want)
			}
		})
	}
}

func TestActive(t *testing.T) {
	p, problems := policy.Parse([]byte(`
digest:
  timezone: Asia/Tokyo
mentees:
  - login: Alice
    start: 2026-09-01
    end: 2026-11-30
  - login: open-ended
  - login: bad
    start: 2026-02-30
  - login: reversed
    start: 2026-10-01
    end: 2026-09-01
`))
	if len(problems) != 2 || len(p.Skipped) != 2 {
		t.Fatalf("want the two bad entries skipped, got problems %v, skipped %v", problems, p.Skipped)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		login string
		at    string
		want  bool
	}{
		{"alice", "2026-09-01T00:00:00+09:00", true},  // first day, inclusive, in the policy's zone
		{"alice", "2026-08-31T23:59:59+09:00", false}, // the day before
		{"ALICE", "2026-11-30T23:59:59+09:00", true},  // last day, inclusive; case-insensitive
		{"alice", "2026-11-30T15:00:00Z", false},      // already 1 December in Tokyo
		{"alice", "2026-08-31T15:00:00Z", true},       // already 1 September in Tokyo
		{"open-ended", "2030-01-01T00:00:00Z", true},
		{"bad", "2026-03-01T00:00:00Z", false},
		{"reversed", "2026-09-15T00:00:00Z", false},
		{"nobody", "2026-10-01T00:00:00Z", false},
		{"", "2026-10-01T00:00:00Z", false},
	}
	for _, tc := range tests {
		t.Run(tc.login+"@"+tc.at, func(t *testing.T) {
			if _, got := Active(p, tc.login, utc(tc.at)); got != tc.want {
				t.Errorf("Active(%q, %s) = %v, want %v", tc.login, tc.at, got, tc.want)
			}
		})
	}
	m, _ := p.Mentee("alice")
	loc := Location(p)
	if !Enrollable(m, utc("2026-08-01T00:00:00Z"), loc) || Enrollable(m, utc("2026-12-01T00:00:00Z"), loc) {
		t.Error("Enrollable: want true before the start (onboarding), false after the end")
	}
}

func TestMayUseTask(t *testing.T) {
	p := policy.Default()
	p.Mentees = []policy.Mentee{{Login: "alice", Mentors: []string{"Mentor-One"}}}
	tests := []struct {
		login, assoc string
		may, known   bool
	}{
		{"mentor-one", "NONE", true, true},
		{"maint", "MEMBER", true, true},
		{"owner", "OWNER", true, true},
		{"collab", "COLLABORATOR", false, false}, // write access must be asked
		{"alice", "CONTRIBUTOR", false, false},
		{"stranger", "NONE", false, false},
	}
	for _, tc := range tests {
		may, known := MayUseTask(p, tc.login, tc.assoc)
		if may != tc.may || known != tc.known {
			t.Errorf("MayUseTask(%s, %s) = %v, %v; want %v, %v", tc.login, tc.assoc, may, known, tc.may, tc.known)
		}
	}
}

// Every comment text the package writes, as golden files.
func TestCommentTexts(t *testing.T) {
	task := policy.IssueRef{Owner: "thanos-io", Repo: "thanos", Number: 42}
	for name, got := range map[string]string{
		"task-link":             TaskLinkComment("alice", task, "Add a *cache* for <store> @everyone"),
		"task-link-untitled":    TaskLinkComment("alice", task, ""),
		"task-withdrawn":        TaskWithdrawnComment("alice", task, "Add a *cache* for <store> @everyone"),
		"reply-cancel":          CancelReply("mentor-one", "component: mentee task", Cancelled{Label: true, Unassigned: []string{"alice"}, Withdrawn: []string{"alice"}}, 7),
		"reply-cancel-kept":     CancelReply("mentor-one", "mentee-task", Cancelled{Label: true, Withdrawn: []string{"alice"}, Kept: []string{"alice"}}, 7),
		"reply-cancel-nothing":  CancelReply("mentor-one", "mentee-task", Cancelled{}, 7),
		"reply-not-mentee":      NotMenteeReply("mentor-one", "carol", "mentee-task", 7),
		"reply-assign-refused":  AssignRefusedReply("mentor-one", "dave", "GSoC/Community Bridge/LFX", 7),
		"reply-on-pull-request": PullRequestReply("mentor-one", 7),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}
