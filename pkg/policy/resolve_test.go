package policy

import (
	"reflect"
	"strings"
	"testing"
)

func TestMergeRosters(t *testing.T) {
	alice := Mentee{Login: "alice", Mentors: []string{"m1"}, Start: Date{2026, 9, 1}, End: Date{2026, 11, 30}}
	aliceOther := Mentee{Login: "Alice", Mentors: []string{"m2"}, End: Date{2027, 2, 28}}
	bob := Mentee{Login: "bob"}
	carol := Mentee{Login: "carol", TrackingIssue: "prometheus/prometheus#9"}
	cases := []struct {
		name      string
		programme Roster
		repos     []Roster
		want      []Mentee
		// wantProblems are substrings, one per reported problem, in order.
		wantProblems []string
	}{
		{
			name:      "no repository files: the programme's roster",
			programme: Roster{Source: "thanos-io/.github:mentorbot.yml", Mentees: []Mentee{alice, bob}},
			want:      []Mentee{alice, bob},
		},
		{
			name:  "no programme file: the repositories' rosters, by repository name",
			repos: []Roster{{Source: "prometheus/prometheus:.github/mentorbot.yml", Mentees: []Mentee{carol}}, {Source: "prometheus/alertmanager:.github/mentorbot.yml", Mentees: []Mentee{bob}}},
			want:  []Mentee{bob, carol},
		},
		{
			name:      "repository mentees are added after the programme's",
			programme: Roster{Source: "thanos-io/.github:mentorbot.yml", Mentees: []Mentee{alice}},
			repos:     []Roster{{Source: "thanos-io/thanos:.github/mentorbot.yml", Mentees: []Mentee{carol}}},
			want:      []Mentee{alice, carol},
		},
		{
			name:      "an inherited roster (equal entries) is the same enrolment, silently",
			programme: Roster{Source: "thanos-io/.github:mentorbot.yml", Mentees: []Mentee{alice, bob}},
			repos:     []Roster{{Source: "thanos-io/thanos:.github/mentorbot.yml", Mentees: []Mentee{alice, bob}}},
			want:      []Mentee{alice, bob},
		},
		{
			name:         "the programme file wins over a repository file, whole entry, reported",
			programme:    Roster{Source: "thanos-io/.github:mentorbot.yml", Mentees: []Mentee{alice}},
			repos:        []Roster{{Source: "thanos-io/thanos:.github/mentorbot.yml", Mentees: []Mentee{aliceOther}}},
			want:         []Mentee{alice},
			wantProblems: []string{"thanos-io/thanos:.github/mentorbot.yml: mentees: @Alice is also enrolled in thanos-io/.github:mentorbot.yml"},
		},
		{
			name:  "between repository files, the first by name wins, whatever the input order",
			repos: []Roster{{Source: "thanos-io/thanos:.github/mentorbot.yml", Mentees: []Mentee{alice}}, {Source: "thanos-io/objstore:.github/mentorbot.yml", Mentees: []Mentee{aliceOther}}},
			want:  []Mentee{aliceOther},
			wantProblems: []string{
				"thanos-io/thanos:.github/mentorbot.yml: mentees: @alice is also enrolled in thanos-io/objstore:.github/mentorbot.yml",
			},
		},
		{
			name:      "two orgs: the shared file's roster, then each org's repository files",
			programme: Roster{Source: "thanos-io/.github:mentorbot.yml", Mentees: []Mentee{alice}},
			repos: []Roster{
				{Source: "prometheus/prometheus:.github/mentorbot.yml", Mentees: []Mentee{alice, carol}},
				{Source: "thanos-io/thanos:.github/mentorbot.yml", Mentees: []Mentee{bob}},
			},
			want: []Mentee{alice, carol, bob},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := MergeRosters(tc.programme, tc.repos)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("roster = %+v, want %+v", got, tc.want)
			}
			if len(problems) != len(tc.wantProblems) {
				t.Fatalf("problems = %q, want %d", problemStrings(problems), len(tc.wantProblems))
			}
			for i, p := range problems {
				if !strings.Contains(p.String(), tc.wantProblems[i]) {
					t.Errorf("problem %d = %q, want it to contain %q", i, p.String(), tc.wantProblems[i])
				}
			}
		})
	}
}

func TestProgrammeSource(t *testing.T) {
	cases := []struct{ source, want string }{
		{"", ""},
		{"thanos-io/.github@main:mentorbot.yml", "thanos-io/.github:mentorbot.yml"},
		{"thanos-io/.github:mentorbot.yml + thanos-io/thanos:.github/mentorbot.yml", "thanos-io/.github:mentorbot.yml"},
		{"prometheus/.github@main:mentorbot.yml -> thanos-io/.github@main:mentorbot.yml", "thanos-io/.github:mentorbot.yml"},
	}
	for _, tc := range cases {
		if got := ProgrammeSource(Result{Source: tc.source}); got != tc.want {
			t.Errorf("ProgrammeSource(%q) = %q, want %q", tc.source, got, tc.want)
		}
	}
}

func TestOrigins(t *testing.T) {
	org := Layer{Source: "org", Data: []byte("program:\n  name: Term 3\nmentees:\n  - login: alice\nreviews:\n  wait: 72h\n  timezone: Europe/Warsaw\n")}
	repo := Layer{Source: "repo", Data: []byte("reviews:\n  wait: 24h\n  exclude: ~\n")}
	p := parseLayers([]Layer{org, repo}).policy
	got := map[string]Origin{}
	for _, o := range Origins(p, []Layer{org, repo}) {
		got[o.Key] = o
	}
	want := map[string]Origin{
		"program.name":     {Key: "program.name", Value: "`Term 3`", Source: "org"},
		"reviews.wait":     {Key: "reviews.wait", Value: "`24h`", Source: "repo"},
		"reviews.timezone": {Key: "reviews.timezone", Value: "`Europe/Warsaw`", Source: "org"},
		"reviews.exclude":  {Key: "reviews.exclude", Value: "`[]`", Source: ""}, // null keeps the default
		"digest.hour":      {Key: "digest.hour", Value: "`9`", Source: ""},
		"mentees":          {Key: "mentees", Value: "1: [alice]", Source: "org"},
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %+v, want %+v", k, got[k], w)
		}
	}
	if _, ok := got["mentees[].login"]; ok {
		t.Error("list entry keys are part of their list")
	}
}
