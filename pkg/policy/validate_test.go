package policy

import (
	"reflect"
	"testing"
)

// A roster entry with several problems gets all of them in one run of
// check-config, not one per fix.
func TestEntryProblemsAllReported(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "a bad mentor and end before start",
			in:   "mentees:\n  - login: alice\n    mentors: [\"@bob\"]\n    start: 2026-09-01\n    end: 2026-08-31\n",
			want: []string{
				`line 3: mentees[0].mentors[0]: write the login without @: "bob"`,
				`line 5: mentees[0].end: end 2026-08-31 is before start 2026-09-01`,
			},
		},
		{
			name: "a bad entry and a later duplicate of it",
			in:   "mentees:\n  - login: alice\n    mentors: [\"not a login\"]\n  - login: bob\n  - login: Alice\n",
			want: []string{
				`line 3: mentees[0].mentors[0]: "not a login" is not a GitHub login (letters, digits and hyphens, at most 39)`,
				`line 5: mentees[2].login: duplicate login "Alice" (first at line 2)`,
			},
		},
		{
			name: "a bad login and end before start, without a login is required",
			in:   "mentees:\n  - login: \"@alice\"\n    start: 2026-09-01\n    end: 2026-08-31\n",
			want: []string{
				`line 2: mentees[0].login: write the login without @: "alice"`,
				`line 4: mentees[0].end: end 2026-08-31 is before start 2026-09-01`,
			},
		},
		{
			name: "no login and end before start",
			in:   "mentees:\n  - start: 2026-09-01\n    end: 2026-08-31\n",
			want: []string{
				`line 2: mentees[0]: login is required`,
				`line 3: mentees[0].end: end 2026-08-31 is before start 2026-09-01`,
			},
		},
		{
			name: "a bad date and a duplicate",
			in:   "mentees:\n  - login: alice\n  - login: alice\n    end: 2026-02-30\n",
			want: []string{
				`line 3: mentees[1].login: duplicate login "alice" (first at line 2)`,
				`line 4: mentees[1].end: date "2026-02-30" is not YYYY-MM-DD`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, problems := Parse([]byte(tc.in))
			if got := problemStrings0(problems); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tc.want)
			}
			if len(p.Mentees) != 0 && tc.name != "a bad entry and a later duplicate of it" && tc.name != "a bad date and a duplicate" {
				t.Errorf("a bad entry was kept: %+v", p.Mentees)
			}
		})
	}
}

func TestLint(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "a channel YAML reads as a comment",
			in:   "program:\n  name: x\n  channels: #thanos-dev\n",
			want: []string{`line 3: program.channels: channels is empty: YAML reads #thanos-dev as a comment; quote it if it is the value (channels: "#thanos-dev")`},
		},
		{
			name: "a quoted channel",
			in:   "program:\n  channels: \"#thanos-dev\"\n",
			want: []string{},
		},
		{
			name: "an empty value with an ordinary comment",
			in:   "program:\n  tracking_repo: # set when the term starts\n  channels: ## none yet\n",
			want: []string{},
		},
		{
			name: "a comment after a value",
			in:   "program:\n  name: Term #3\n  channels: slack #general\n",
			want: []string{},
		},
		{
			name: "mentees without mentors",
			in:   "mentees:\n  - login: alice\n  - login: bob\n    mentors: []\n  - login: carol\n    mentors:\n  - login: dave\n    mentors: [erin]\n",
			want: []string{
				`line 2: mentees[0].mentors: alice has no mentors: nobody is pinged when their pull requests wait twice reviews.wait`,
				`line 3: mentees[1].mentors: bob has no mentors: nobody is pinged when their pull requests wait twice reviews.wait`,
				`line 5: mentees[2].mentors: carol has no mentors: nobody is pinged when their pull requests wait twice reviews.wait`,
			},
		},
		{
			name: "a mentee through an alias",
			in:   "x-base: &m\n  login: alice\nmentees:\n  - *m\n",
			want: []string{`line 4: mentees[0].mentors: alice has no mentors: nobody is pinged when their pull requests wait twice reviews.wait`},
		},
		{
			name: "not YAML: Parse reports it",
			in:   "mentees: [\n",
			want: []string{},
		},
		{
			name: "empty file",
			in:   "",
			want: []string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := problemStrings0(Lint([]byte(tc.in), "")); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("warnings:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
