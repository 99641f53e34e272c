package job

import (
	"testing"

	"github.com/google/go-github/v60/github"
)

func TestIdentityAndBots(t *testing.T) {
	me := Identity{Slug: "mentorbot"}
	if me.Login() != "mentorbot[bot]" || !me.IsSelf("MentorBot[bot]") || me.IsSelf("mentorbot") || (Identity{}).IsSelf("[bot]") {
		t.Errorf("identity checks are wrong for %+v", me)
	}
	for _, tc := range []struct {
		u    *github.User
		want bool
	}{
		{nil, false},
		{&github.User{Login: github.String("alice"), Type: github.String("User")}, false},
		{&github.User{Login: github.String("dependabot[bot]"), Type: github.String("Bot")}, true},
		{&github.User{Login: github.String("renovate[bot]")}, true},
		{&github.User{Login: github.String("ci-runner"), Type: github.String("Bot")}, true},
	} {
		if got := IsBot(tc.u); got != tc.want {
			t.Errorf("IsBot(%v) = %v, want %v", tc.u.GetLogin(), got, tc.want)
		}
	}
}
