// Package mentees runs the mentee side of the programme: it labels pull
// requests by active mentees (or that close a mentee task), enrols mentees
// (tracking issue and onboarding checklist, through package tracking), and
// answers the /mentee-task command and hand-added task labels.
//
// The decisions are pure functions (Active, ClosingRefs, MayUseTask, and
// what a pull request event calls for); the jobs around them take a job.Env
// or job.Installation and make as few GitHub requests as the decision
// allows: whatever the webhook payload carries (author, labels, assignees,
// body) is not fetched again. Each role reaches GitHub through the narrow
// interface it declares, which ghclient.API implements: the PR labeller
// through PRGitHub (Labels and reading an issue), enrolment through
// tracking.Users; they write through job's writeonce.Interface.
package mentees
