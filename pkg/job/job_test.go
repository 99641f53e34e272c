package job

import "testing"

func TestIdentity(t *testing.T) {
	me := Identity{Slug: "mentorbot"}
	if me.Login() != "mentorbot[bot]" || !me.IsSelf("MentorBot[bot]") || me.IsSelf("mentorbot") || (Identity{}).IsSelf("[bot]") {
		t.Errorf("identity checks are wrong for %+v", me)
	}
}
