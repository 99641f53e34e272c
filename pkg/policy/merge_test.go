package policy

import (
	"reflect"
	"testing"
	"time"
)

func TestParseLayers(t *testing.T) {
	const org = `program:
  name: Term 3
mentees:
  - login: alice
  - login: bob
reviews:
  wait: 72h
  timezone: Europe/Warsaw
  reviewers: [r-one, r-two]
digest:
  hour: 9
`
	cases := []struct {
		name  string
		repo  string
		check func(t *testing.T, p Policy)
		want  []string
	}{
		{
			name: "a scalar overrides, siblings stay",
			repo: "reviews:\n  wait: 24h\n",
			check: func(t *testing.T, p Policy) {
				if p.Reviews.Wait.D() != 24*time.Hour || p.Reviews.Timezone != "Europe/Warsaw" || len(p.Mentees) != 2 {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name: "a list replaces the whole list",
			repo: "mentees:\n  - login: carol\nreviews:\n  reviewers: [r-three]\n",
			check: func(t *testing.T, p Policy) {
				if len(p.Mentees) != 1 || p.Mentees[0].Login != "carol" {
					t.Errorf("mentees = %+v", p.Mentees)
				}
				if !reflect.DeepEqual(p.Reviews.Reviewers, []string{"r-three"}) {
					t.Errorf("reviewers = %q", p.Reviews.Reviewers)
				}
			},
		},
		{
			name: "an empty list clears",
			repo: "mentees: []\n",
			check: func(t *testing.T, p Policy) {
				if len(p.Mentees) != 0 {
					t.Errorf("mentees = %+v", p.Mentees)
				}
			},
		},
		{
			name: "null keeps the base",
			repo: "reviews:\nmentees: ~\n",
			check: func(t *testing.T, p Policy) {
				if len(p.Mentees) != 2 || p.Reviews.Wait.D() != 72*time.Hour {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name: "new sections are added",
			repo: "meetup:\n  enabled: true\n",
			check: func(t *testing.T, p Policy) {
				if !p.Meetup.Enabled || p.Meetup.WeeksBeforeEnd != 3 || p.Program.Name != "Term 3" {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name: "an empty repository file changes nothing",
			repo: "# nothing here yet\n",
			check: func(t *testing.T, p Policy) {
				if len(p.Mentees) != 2 || p.Digest.Hour != 9 {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name: "problems name the file and its line",
			repo: "\n\ndigest:\n  hour: 30\nreviews: often\n",
			want: []string{
				"repo.yml: line 4: digest.hour: hour 30 is not in 0..23",
				`repo.yml: line 5: reviews: must be a mapping of keys, not "often"`,
			},
			check: func(t *testing.T, p Policy) {
				// The merge happens before decoding, so an invalid
				// override replaced the base value and the key keeps its
				// default (the Loader then keeps the last good policy).
				if p.Digest.Hour != 9 || p.Reviews.Timezone != "UTC" || len(p.Mentees) != 2 {
					t.Errorf("got %+v", p)
				}
			},
		},
		{
			name: "a syntax error in one file",
			repo: "reviews: [\n",
			want: []string{"repo.yml: line 1: YAML syntax: did not find expected node content"},
			check: func(t *testing.T, p Policy) {
				if len(p.Mentees) != 2 {
					t.Errorf("the other file still applies: %+v", p)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, problems := ParseLayers(Layer{Source: "org.yml", Data: []byte(org)}, Layer{Source: "repo.yml", Data: []byte(tc.repo)})
			got := problemStrings0(problems)
			if tc.want == nil {
				tc.want = []string{}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tc.want)
			}
			tc.check(t, p)
		})
	}
}

func TestParseLayersAttributesBaseProblems(t *testing.T) {
	org := "\nreviews:\n  wait: 1 week\n"
	repo := "digest:\n  weekday: someday\n"
	_, problems := ParseLayers(Layer{Source: "org.yml", Data: []byte(org)}, Layer{Source: "repo.yml", Data: []byte(repo)})
	want := []string{
		`org.yml: line 3: reviews.wait: duration "1 week" is not valid (use e.g. 72h or 30m)`,
		`repo.yml: line 2: digest.weekday: weekday "someday" is not a day name (monday..sunday)`,
	}
	if got := problemStrings0(problems); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}
