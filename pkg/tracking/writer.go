package tracking

import (
	"context"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// WritersOn returns the write primitive of the app's installation on
// another account, acting as botLogin; nil, nil when the app is not
// installed there.
type WritersOn func(ctx context.Context, owner, botLogin string) (writeonce.Interface, error)

// WriterFor returns what reaches m's tracking issue from an event in
// eventOwner's org. A programme shared by several orgs keeps its tracking
// issues in one of them, where the event's installation may not read a
// private repository and cannot write: there it is the app's installation
// on that org (nil when the app is not installed there). Anywhere else, and
// without on, it is w, the event's own.
func WriterFor(ctx context.Context, m policy.Mentee, p policy.Policy, eventOwner, botLogin string, w writeonce.Interface, on WritersOn) (writeonce.Interface, error) {
	owner := Owner(m, p)
	if owner == "" || strings.EqualFold(owner, eventOwner) || on == nil {
		return w, nil
	}
	return on(ctx, owner, botLogin)
}
