package policy

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func problemStrings0(ps []Problem) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func TestParseProblems(t *testing.T) {
	long := strings.Repeat("x", 51)
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "unknown key at the top level",
			in:   "version: 1\nprogramme:\n  name: x\n",
			want: []string{`line 2: unknown key "programme" at the top level (did you mean "program"?)`},
		},
		{
			name: "unknown key in a section",
			in:   "reviews:\n  wait: 24h\n  waitt: 72h\n",
			want: []string{`line 3: unknown key "waitt" in reviews (did you mean "wait"?)`},
		},
		{
			name: "unknown key without a near match",
			in:   "digest:\n  colour: blue\n",
			want: []string{`line 2: unknown key "colour" in digest`},
		},
		{
			name: "repeated key",
			in:   "reviews:\n  wait: 24h\n  wait: 48h\n",
			want: []string{`line 3: key "wait" in reviews is repeated (first at line 2)`},
		},
		{
			name: "section is not a mapping",
			in:   "reviews: fast\n",
			want: []string{`line 1: reviews: must be a mapping of keys, not "fast"`},
		},
		{
			name: "string given a list",
			in:   "program:\n  name: [a, b]\n",
			want: []string{`line 2: program.name: must be a string, not a list`},
		},
		{
			name: "bool given a word",
			in:   "welcome:\n  enabled: sometimes\n",
			want: []string{`line 2: welcome.enabled: must be true or false, not "sometimes"`},
		},
		{
			name: "int given a string",
			in:   "reviews:\n  max_suggestions: two\n",
			want: []string{`line 2: reviews.max_suggestions: must be a whole number, not "two"`},
		},
		{
			name: "int out of range",
			in:   "reviews:\n  max_suggestions: 99999999999999999999999\n",
			want: []string{`line 2: reviews.max_suggestions: must be a whole number, not "99999999999999999999999"`},
		},
		{
			name: "list given a string",
			in:   "reviews:\n  reviewers: alice\n",
			want: []string{`line 2: reviews.reviewers: must be a list, not "alice"`},
		},
		{
			name: "negative number",
			in:   "meetup:\n  weeks_before_end: -1\n",
			want: []string{`line 2: meetup.weeks_before_end: must not be negative, got -1`},
		},
		{
			name: "bad duration",
			in:   "reviews:\n  wait: 3 days\n",
			want: []string{`line 2: reviews.wait: duration "3 days" is not valid (use e.g. 72h or 30m)`},
		},
		{
			name: "duration without unit",
			in:   "retrospective:\n  collect_after: 72\n",
			want: []string{`line 2: retrospective.collect_after: duration "72" is not valid (use e.g. 72h or 30m)`},
		},
		{
			name: "negative duration",
			in:   "reviews:\n  wait: -1h\n",
			want: []string{`line 2: reviews.wait: duration "-1h" must not be negative`},
		},
		{
			name: "bad weekday",
			in:   "digest:\n  weekday: mondays\n",
			want: []string{`line 2: digest.weekday: weekday "mondays" is not a day name (monday..sunday)`},
		},
		{
			name: "hour out of range",
			in:   "digest:\n  hour: 24\n",
			want: []string{`line 2: digest.hour: hour 24 is not in 0..23`},
		},
		{
			name: "bad timezone",
			in:   "digest:\n  timezone: Mars/Olympus\nreviews:\n  timezone: Local\n",
			want: []string{
				`line 2: digest.timezone: timezone "Mars/Olympus" is not an IANA time zone name such as UTC or Europe/Warsaw`,
				`line 4: reviews.timezone: timezone "Local" is not an IANA time zone name such as UTC or Europe/Warsaw`,
			},
		},
		{
			name: "enum values",
			in:   "welcome:\n  scope: world\nreviews:\n  scope: everyone\ndigest:\n  scope: private\n",
			want: []string{
				`line 2: welcome.scope: "world" is not one of repo, org`,
				`line 4: reviews.scope: "everyone" is not one of mentees, all`,
				`line 6: digest.scope: "private" is not one of org, public`,
			},
		},
		{
			name: "unsupported version",
			in:   "version: 2\n",
			want: []string{`line 1: version: version 2 is not supported; this build understands version 1`},
		},
		{
			name: "version zero",
			in:   "version: 0\n",
			want: []string{`line 1: version: version 0 is not supported; this build understands version 1`},
		},
		{
			name: "tracking repo",
			in:   "program:\n  tracking_repo: thanos\n",
			want: []string{`line 2: program.tracking_repo: "thanos" is not a repository in the form owner/repo`},
		},
		{
			name: "contributing url",
			in:   "program:\n  contributing_url: CONTRIBUTING.md\n",
			want: []string{`line 2: program.contributing_url: "CONTRIBUTING.md" is not an http(s) URL`},
		},
		{
			name: "tracking issue",
			in:   "mentees:\n  - login: alice\n    tracking_issue: thanos-io/thanos#abc\n",
			want: []string{`line 3: mentees[0].tracking_issue: "thanos-io/thanos#abc" is not an issue in the form owner/repo#N`},
		},
		{
			name: "tracking issue zero",
			in:   "mentees:\n  - login: alice\n    tracking_issue: thanos-io/thanos#0\n",
			want: []string{`line 3: mentees[0].tracking_issue: "thanos-io/thanos#0" is not an issue in the form owner/repo#N`},
		},
		{
			name: "roster entry without login",
			in:   "mentees:\n  - tracking_issue: a/b#1\n",
			want: []string{`line 2: mentees[0]: login is required`},
		},
		{
			name: "roster entry that is not a mapping",
			in:   "mentees:\n  - alice\n  -\n",
			want: []string{
				`line 2: mentees[0]: must be a mapping of keys, not "alice"`,
				`line 3: mentees[1]: empty roster entry`,
			},
		},
		{
			name: "login shapes",
			in:   "mentees:\n  - login: \"@alice\"\n  - login: bob smith\n  - login: -carol\n  - login: " + strings.Repeat("d", 40) + "\n",
			want: []string{
				`line 2: mentees[0].login: write the login without @: "alice"`,
				`line 3: mentees[1].login: "bob smith" is not a GitHub login (letters, digits and hyphens, at most 39)`,
				`line 4: mentees[2].login: "-carol" is not a GitHub login (letters, digits and hyphens, at most 39)`,
				`line 5: mentees[3].login: "` + strings.Repeat("d", 40) + `" is not a GitHub login (letters, digits and hyphens, at most 39)`,
			},
		},
		{
			name: "duplicate logins ignore case",
			in:   "mentees:\n  - login: alice\n  - login: bob\n  - login: Alice\n",
			want: []string{`line 4: mentees[2].login: duplicate login "Alice" (first at line 2)`},
		},
		{
			name: "end before start",
			in:   "mentees:\n  - login: alice\n    start: 2026-09-01\n    end: 2026-08-31\n",
			want: []string{`line 4: mentees[0].end: end 2026-08-31 is before start 2026-09-01`},
		},
		{
			name: "bad date",
			in:   "mentees:\n  - login: alice\n    start: 2026-13-01\n    end: 1st of May\n",
			want: []string{
				`line 3: mentees[0].start: date "2026-13-01" is not YYYY-MM-DD`,
				`line 4: mentees[0].end: date "1st of May" is not YYYY-MM-DD`,
			},
		},
		{
			name: "bad mentor login",
			in:   "mentees:\n  - login: alice\n    mentors: [good-one, \"bad/one\"]\n",
			want: []string{`line 3: mentees[0].mentors[1]: "bad/one" is not a GitHub login (letters, digits and hyphens, at most 39)`},
		},
		{
			name: "unknown key in a roster entry",
			in:   "mentees:\n  - login: alice\n    mentor: [bob]\n",
			want: []string{`line 3: unknown key "mentor" in mentees[0] (did you mean "mentors"?)`},
		},
		{
			name: "bad templates",
			in:   "welcome:\n  message: \"Hi {{ .Login \"\nprogram:\n  onboarding: |\n    Welcome {{ end }}\n",
			want: []string{
				`line 2: welcome.message: not a valid Go template: welcome.message:1: unclosed action`,
				`line 4: program.onboarding: not a valid Go template: program.onboarding:1: unexpected {{end}}`,
			},
		},
		{
			name: "bad labels",
			in:   "labels:\n  mentee_pr: \"\"\n  mentee_task: " + long + "\nreviews:\n  exempt_labels: [\"  \"]\n",
			want: []string{
				`line 2: labels.mentee_pr: label name must not be empty`,
				`line 3: labels.mentee_task: label name "` + long + `" is longer than 50 characters`,
				`line 5: reviews.exempt_labels[0]: label name must not be empty`,
			},
		},
		{
			name: "reviewer pool logins",
			in:   "reviews:\n  reviewers: [ok, \"not ok\"]\n  exclude: [\"renovate[bot]\", \"x[bot]y\"]\n",
			want: []string{
				`line 2: reviews.reviewers[1]: "not ok" is not a GitHub login (letters, digits and hyphens, at most 39)`,
				`line 3: reviews.exclude[1]: "x[bot]y" is not a GitHub login (letters, digits and hyphens, at most 39)`,
			},
		},
		{
			name: "empty list item",
			in:   "reviews:\n  reviewers:\n    - a\n    -\n",
			want: []string{`line 4: reviews.reviewers[1]: empty list item`},
		},
		{
			name: "syntax error",
			in:   "reviews:\n  wait: 72h\n scope: all\n",
			want: []string{`line 3: YAML syntax: did not find expected key`},
		},
		{
			name: "tab indentation",
			in:   "reviews:\n\twait: 72h\n",
			want: []string{`line 2: YAML syntax: found character that cannot start any token`},
		},
		{
			name: "unclosed list",
			in:   "version: 1\nreviews:\n  reviewers: [a, b\n  wait: 1h\n",
			want: []string{`line 3: YAML syntax: did not find expected ',' or ']'`},
		},
		{
			name: "unknown anchor",
			in:   "version: 1\nreviews:\n  reviewers: *pool\n",
			want: []string{`line 3: YAML syntax: unknown anchor 'pool' referenced`},
		},
		{
			name: "two documents",
			in:   "version: 1\n---\nversion: 1\n",
			want: []string{`line 2: a policy file holds one YAML document; remove the second "---" and what follows`},
		},
		{
			name: "top level is a list",
			in:   "- login: alice\n",
			want: []string{`line 1: must be a mapping of keys, not a list`},
		},
		{
			name: "non-scalar key",
			in:   "reviews:\n  ? [a, b]\n  : 1\n",
			want: []string{`line 2: reviews: keys must be plain names, not a list`},
		},
		{
			name: "merge key must refer to a mapping",
			in:   "reviews:\n  <<: 3\n",
			want: []string{`line 2: reviews: a merge key (<<) must refer to a mapping`},
		},
		{
			name: "every problem, not just the first",
			in: `version: 1
reviews:
  wait: soon
  timezone: Nowhere/Land
mentees:
  - login: alice
    end: 2026-02-30
  - login: bob
digest:
  hour: 25
`,
			want: []string{
				`line 3: reviews.wait: duration "soon" is not valid (use e.g. 72h or 30m)`,
				`line 4: reviews.timezone: timezone "Nowhere/Land" is not an IANA time zone name such as UTC or Europe/Warsaw`,
				`line 7: mentees[0].end: date "2026-02-30" is not YYYY-MM-DD`,
				`line 10: digest.hour: hour 25 is not in 0..23`,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := Parse([]byte(tc.in))
			got := problemStrings0(problems)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// deepMerges builds a small document whose merge keys would expand to
// millions of keys.
func deepMerges() string {
	var b strings.Builder
	b.WriteString("digest: &a0 {hour: 1}\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "digest%d: &a%d {<<: [*a%d, *a%d, *a%d, *a%d]}\n", i, i, i-1, i-1, i-1, i-1)
	}
	return strings.Replace(b.String(), "digest11", "reviews", 1)
}

func TestParseTooComplex(t *testing.T) {
	r := parseLayers([]Layer{{Data: []byte(deepMerges())}})
	got := problemStrings0(r.problems)
	// One problem for the budget, besides the helper keys being unknown.
	if len(got) != 11 || got[1] != "line 2: document too complex: too many aliases or merge keys" || r.fatal != 11 {
		t.Errorf("problems = %q (fatal %d)", got, r.fatal)
	}
}

func TestParseValues(t *testing.T) {
	in := `
program:
  name: Term 3
  channels: "#thanos-dev"
base: &base
  wait: 24h
mentees:
  - login: alice
    mentors: &mentors [m-one, m-two]
    start: 2026-09-01
    end: "2026-11-30"
  - login: bob
    mentors: *mentors
reviews:
  wait: 48h
  business_days: false
  timezone: Asia/Kolkata
  max_suggestions: 0
  reviewers: [r-one]
  keepalive_label:
digest:
  weekday: Friday
  hour: 0
  timezone: America/New_York
  scope: public
`
	// "base" is unknown: the parse still returns everything else.
	p, problems := Parse([]byte(in))
	if got := problemStrings0(problems); len(got) != 1 || !strings.Contains(got[0], `unknown key "base"`) {
		t.Fatalf("problems = %q", got)
	}
	want := Default()
	want.Program.Name = "Term 3"
	want.Program.Channels = "#thanos-dev"
	want.Mentees = []Mentee{
		{Login: "alice", Mentors: []string{"m-one", "m-two"}, Start: Date{2026, 9, 1}, End: Date{2026, 11, 30}},
		{Login: "bob", Mentors: []string{"m-one", "m-two"}},
	}
	want.Reviews.Wait = Duration(48 * time.Hour)
	want.Reviews.BusinessDays = false
	want.Reviews.Timezone = "Asia/Kolkata"
	want.Reviews.MaxSuggestions = 0
	want.Reviews.Reviewers = []string{"r-one"}
	want.Digest = Digest{Weekday: Weekday(time.Friday), Hour: 0, Timezone: "America/New_York", Scope: "public"}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("policy:\n got %+v\nwant %+v", p, want)
	}
}

func TestParseKeepsValidParts(t *testing.T) {
	in := `
mentees:
  - login: alice
  - login: "@bob"
  - tracking_issue: a/b#1
  - login: carol
    end: 2026-01-01
    start: 2026-02-01
  - login: dave
reviews:
  wait: forever
  max_suggestions: 3
  reviewers: [ok-one, "bad one", ok-two]
`
	p, problems := Parse([]byte(in))
	if len(problems) != 5 {
		t.Fatalf("want 5 problems, got %q", problemStrings0(problems))
	}
	var logins []string
	for _, m := range p.Mentees {
		logins = append(logins, m.Login)
	}
	if want := []string{"alice", "dave"}; !reflect.DeepEqual(logins, want) {
		t.Errorf("mentees = %q, want %q", logins, want)
	}
	wantSkipped := []SkippedMentee{{Index: 1, Login: "@bob", Line: 4}, {Index: 2, Line: 5}, {Index: 3, Login: "carol", Line: 6}}
	if !reflect.DeepEqual(p.Skipped, wantSkipped) {
		t.Errorf("skipped = %+v, want %+v", p.Skipped, wantSkipped)
	}
	if p.Reviews.Wait != Default().Reviews.Wait {
		t.Errorf("bad wait should keep the default, got %v", p.Reviews.Wait)
	}
	if p.Reviews.MaxSuggestions != 3 {
		t.Errorf("max_suggestions = %d, want 3", p.Reviews.MaxSuggestions)
	}
	if want := []string{"ok-one", "ok-two"}; !reflect.DeepEqual(p.Reviews.Reviewers, want) {
		t.Errorf("reviewers = %q, want %q", p.Reviews.Reviewers, want)
	}
	// The roster problems alone would not make the file invalid for the Loader.
	if r := parseLayers([]Layer{{Data: []byte(in)}}); r.fatal != 2 {
		t.Errorf("fatal = %d, want 2 (wait, reviewers[1])", r.fatal)
	}
}

func TestParseEmptyIsDefault(t *testing.T) {
	for _, in := range []string{"", "\n\n", "# only a comment\n", "---\n", "~\n", "reviews:\n", "reviews: ~\nmentees:\n", "version: 1\n---\n"} {
		p, problems := Parse([]byte(in))
		if len(problems) != 0 {
			t.Errorf("%q: problems %q", in, problemStrings0(problems))
		}
		if !reflect.DeepEqual(p, Default()) {
			t.Errorf("%q: got %+v, want defaults", in, p)
		}
	}
}

func TestParseMergeKeys(t *testing.T) {
	in := `
x-common: &common
  timezone: Europe/Warsaw
  hour: 7
digest:
  <<: *common
  hour: 8
`
	p, problems := Parse([]byte(in))
	if got := problemStrings0(problems); len(got) != 1 || !strings.Contains(got[0], `unknown key "x-common"`) {
		t.Fatalf("problems = %q", got)
	}
	if p.Digest.Timezone != "Europe/Warsaw" || p.Digest.Hour != 8 {
		t.Errorf("digest = %+v, want Europe/Warsaw at 8", p.Digest)
	}
}

func TestTestdataFiles(t *testing.T) {
	t.Run("example", func(t *testing.T) {
		// Before the end of the term, the example is clean.
		r, err := ReadFile("testdata/example.yml", time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Problems) != 0 || len(r.Warnings) != 0 {
			t.Fatalf("example.yml: problems %q, warnings %q", problemStrings0(r.Problems), problemStrings0(r.Warnings))
		}
		p := r.Policy
		if len(p.Mentees) != 2 || p.Mentees[1].TrackingIssue != "" {
			t.Errorf("example.yml should have two mentees, the second without tracking_issue: %+v", p.Mentees)
		}
		ref, ok := p.Mentees[0].TrackingIssueRef()
		if !ok || ref != (IssueRef{Owner: "thanos-io", Repo: "thanos", Number: 7000}) {
			t.Errorf("tracking issue = %v, %v", ref, ok)
		}
	})
	t.Run("broken", func(t *testing.T) {
		problems, err := CheckFile("testdata/broken.yml")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			`line 7: mentees[0].tracking_issue: "thanos-io/thanos/7000" is not an issue in the form owner/repo#N`,
			`line 11: unknown key "waitt" in reviews (did you mean "wait"?)`,
			`line 12: reviews.wait: duration "three days" is not valid (use e.g. 72h or 30m)`,
		}
		if got := problemStrings0(problems); !reflect.DeepEqual(got, want) {
			t.Errorf("problems:\n got %q\nwant %q", got, want)
		}
	})
	t.Run("missing", func(t *testing.T) {
		if _, err := CheckFile("testdata/does-not-exist.yml"); err == nil {
			t.Error("want an error for a missing file")
		}
	})
	t.Run("too large", func(t *testing.T) {
		path := t.TempDir() + "/big.yml"
		data := []byte("program:\n  name: \"" + strings.Repeat("x", MaxFileSize) + "\"\n")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		problems, err := CheckFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := problemStrings0(problems); len(got) != 1 || got[0] != "file is larger than 256 KiB" {
			t.Errorf("problems = %q", got)
		}
	})
}

func TestWarnings(t *testing.T) {
	in := `
mentees:
  - login: alice
    tracking_issue: a/b#1
    end: 2026-03-31
  - login: bob
labels:
  mentee_pr: mentee
  mentee_task: Mentee
`
	r := Check([]byte(in), time.Date(2026, 4, 1, 1, 0, 0, 0, time.UTC))
	if len(r.Problems) != 0 {
		t.Fatalf("problems: %q", problemStrings0(r.Problems))
	}
	got := problemStrings0(r.Warnings)
	want := []string{
		`line 3: mentees[0].end: the term of alice ended on 2026-03-31; the entry only serves the last digest and the learnings roll-up`,
		`line 6: mentees[1]: bob has no tracking_issue and program.tracking_repo is not set, so the bot has nowhere to open one`,
		`labels: mentee_pr and mentee_task are both "mentee", so PRs and tasks cannot be told apart`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n got %q\nwant %q", got, want)
	}
	// On the last day itself the term has not ended.
	if w := Check([]byte(in), time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)).Warnings; len(w) != 2 {
		t.Errorf("on the end day: %q", problemStrings0(w))
	}
}

func TestProblemString(t *testing.T) {
	cases := []struct {
		p    Problem
		want string
	}{
		{Problem{Line: 3, Path: "reviews.wait", Message: "bad"}, "line 3: reviews.wait: bad"},
		{Problem{Line: 3, Message: "bad"}, "line 3: bad"},
		{Problem{Message: "bad"}, "bad"},
		{Problem{Source: "o/.github:mentorbot.yml", Line: 1, Path: "version", Message: "bad"}, "o/.github:mentorbot.yml: line 1: version: bad"},
	}
	for _, tc := range cases {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestDurationString(t *testing.T) {
	for d, want := range map[time.Duration]string{
		72 * time.Hour: "72h", 90 * time.Minute: "1h30m", 30 * time.Minute: "30m",
		0: "0s", time.Hour + 5*time.Second: "1h0m5s", 1500 * time.Millisecond: "1.5s",
	} {
		if got := Duration(d).String(); got != want {
			t.Errorf("%v: got %q, want %q", time.Duration(d), got, want)
		}
	}
}

func TestClone(t *testing.T) {
	p, _ := Parse([]byte("mentees:\n  - login: a\n    mentors: [m]\nreviews:\n  reviewers: [r]\n  exclude: [e]\n  exempt_labels: [l]\n  bots: [b]\nretrospective:\n  authors: [a]\n"))
	c := p.Clone()
	c.Reviews.Bots[0] = "x"
	c.Retrospective.Authors[0] = "x"
	c.Mentees[0].Mentors[0] = "x"
	c.Reviews.Reviewers[0] = "x"
	c.Reviews.Exclude[0] = "x"
	c.Reviews.ExemptLabels[0] = "x"
	if p.Mentees[0].Mentors[0] != "m" || p.Reviews.Reviewers[0] != "r" || p.Reviews.Exclude[0] != "e" || p.Reviews.ExemptLabels[0] != "l" || p.Reviews.Bots[0] != "b" || p.Retrospective.Authors[0] != "a" {
		t.Errorf("clone shares slices with the original: %+v", p)
	}
}

// TestCloneCoversEverySlice fails when a slice field is added to the schema
// without Clone copying it.
func TestCloneCoversEverySlice(t *testing.T) {
	var count func(reflect.Type) int
	count = func(t reflect.Type) int {
		n := 0
		for i := range t.NumField() {
			switch f := t.Field(i).Type; f.Kind() {
			case reflect.Slice:
				n++
				if f.Elem().Kind() == reflect.Struct {
					n += count(f.Elem())
				}
			case reflect.Struct:
				n += count(f)
			}
		}
		return n
	}
	// Mentees, mentors, reviewers, exclude, exempt_labels, bots,
	// retrospective.authors and Skipped.
	if got := count(reflect.TypeFor[Policy]()); got != 8 {
		t.Errorf("Policy has %d slice fields; update Clone and TestClone, then this count", got)
	}
}
