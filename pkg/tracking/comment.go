package tracking

import (
	"context"

	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Checklist posts the onboarding checklist on the mentee's tracking issue
// unless it is there already. warning is set when the policy's custom
// template could not be used (the built-in checklist was posted instead).
func (t *Tracker) Checklist(ctx context.Context, m policy.Mentee, is Issue) (posted bool, warning, err error) {
	body, warning := onboarding.Checklist(ctx, onboarding.NewData(t.Policy, m), t.Policy.Program.Onboarding)
	if is.Ref.Number == 0 {
		return false, warning, nil // dry run: the issue was not opened
	}
	c, err := t.Write.CommentOnce(ctx, is.Ref, onboarding.KindOnboarding, onboarding.Key(m.Login), body)
	return c.Written, warning, err
}
