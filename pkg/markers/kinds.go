package markers

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
)
