package markers

import (
	"strings"
	"unicode"
)

// The marker kinds that more than one job reads. A job that writes a kind
// owns its text; a job that only reads it (the dashboard reads reminders,
// digests and checklists) names it from here instead of importing the
// writer.
const (
	KindReviewWait     = "review-wait"
	KindReviewEscalate = "review-escalate"
	KindDigest         = "digest"
	KindOnboarding     = "onboarding"
	KindTaskLink       = "mentee-task"
	KindTermReport     = "term-report"
	KindRetro          = "retro"
)

// LoginKey is the marker key of a per-mentee text: the login in lower case,
// as GitHub compares logins.
func LoginKey(login string) string { return strings.ToLower(login) }

// Slug is the marker key of a programme's own issues (learnings, meetup,
// dashboard): its name in lower case, letters and digits only, runs of
// anything else as one "-". "LFX Mentorship 2026 Term 3" is
// "lfx-mentorship-2026-term-3"; an empty name is "program".
func Slug(program string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(program) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "program"
	}
	return b.String()
}
