// Package mentees runs the mentee side of the programme: it labels pull
// requests by active mentees (or that close a mentee task), enrols mentees
// (tracking issue and onboarding checklist, through package tracking), and
// answers the /mentee-task command and hand-added task labels.
//
// The decisions are pure functions (Active, ClosingRefs, MayUseTask); the
// jobs around them take a job.Env or job.Installation and make as few GitHub
// requests as the decision allows: whatever the webhook payload carries
// (author, labels, assignees, body) is not fetched again.
package mentees
