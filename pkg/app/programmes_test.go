package app

import (
	"context"
	"reflect"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

func TestJoinProgrammes(t *testing.T) {
	roster := func(logins ...string) []policy.Mentee {
		var out []policy.Mentee
		for _, l := range logins {
			out = append(out, policy.Mentee{Login: l})
		}
		return out
	}
	resolved := func(orgSource string, orgRoster []policy.Mentee, repos map[string][]policy.Mentee) policy.Resolved {
		r := policy.Resolved{Org: policy.Result{Source: orgSource, Policy: policy.Policy{Mentees: orgRoster}}, Repos: map[string]policy.Result{}}
		for src, m := range repos {
			r.Repos[src] = policy.Result{Source: src, Policy: policy.Policy{Mentees: m}}
		}
		r.Base = r.Org
		return r
	}
	type want struct {
		lead    bool
		peers   []string
		mentees []string
	}
	cases := []struct {
		name   string
		owners []string
		res    []policy.Resolved
		want   []want
	}{
		{
			name:   "two orgs, one file: the org keeping it leads, rosters of both orgs merge",
			owners: []string{"prometheus", "thanos-io"},
			res: []policy.Resolved{
				resolved("prometheus/.github:mentorbot.yml -> thanos-io/.github@main:mentorbot.yml", roster("alice"),
					map[string][]policy.Mentee{"prometheus/prometheus:.github/mentorbot.yml": roster("carol")}),
				resolved("thanos-io/.github@main:mentorbot.yml", roster("alice"), nil),
			},
			want: []want{
				{lead: false, peers: []string{"thanos-io"}, mentees: []string{"alice", "carol"}},
				{lead: true, peers: []string{"prometheus"}, mentees: []string{"alice", "carol"}},
			},
		},
		{
			name:   "the file's org does not have the app: the lowest installation ID leads",
			owners: []string{"prometheus", "cortexproject"},
			res: []policy.Resolved{
				resolved("prometheus/.github:mentorbot.yml -> cncf/mentoring@main:.github/mentorbot.yml", roster("alice"), nil),
				resolved("cortexproject/.github:mentorbot.yml -> cncf/mentoring:.github/mentorbot.yml", roster("alice"), nil),
			},
			want: []want{
				{lead: true, peers: []string{"cortexproject"}, mentees: []string{"alice"}},
				{lead: false, peers: []string{"prometheus"}, mentees: []string{"alice"}},
			},
		},
		{
			name:   "orgs without a policy file run programmes of their own",
			owners: []string{"prometheus", "thanos-io"},
			res: []policy.Resolved{
				resolved("", nil, map[string][]policy.Mentee{"prometheus/prometheus:.github/mentorbot.yml": roster("carol")}),
				resolved("", nil, map[string][]policy.Mentee{"thanos-io/thanos:.github/mentorbot.yml": roster("alice")}),
			},
			want: []want{
				{lead: true, mentees: []string{"carol"}},
				{lead: true, mentees: []string{"alice"}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			insts := make([]job.Installation, len(tc.owners))
			for i, o := range tc.owners {
				insts[i] = job.Installation{ID: int64(i + 1), Owner: o}
			}
			joinProgrammes(context.Background(), insts, tc.res)
			for i, w := range tc.want {
				var peers, mentees []string
				for _, p := range insts[i].Peers {
					peers = append(peers, p.Owner)
				}
				for _, m := range insts[i].Policy.Mentees {
					mentees = append(mentees, m.Login)
				}
				got := want{lead: insts[i].Lead, peers: peers, mentees: mentees}
				if !reflect.DeepEqual(got, w) {
					t.Errorf("%s: got %+v, want %+v", tc.owners[i], got, w)
				}
			}
		})
	}
}
