// Package githubsim is an in-memory GitHub: an HTTP server that behaves like
// GitHub's REST API (api.github.com) for everything mentorbot calls, and like
// GitHub's webhook sender. End-to-end tests and `mentorbot demo` point the
// real go-github client, with ghinstallation auth from go-githubapp's client
// creator, at it (v3 URL = URL(), which ends in a slash).
//
// It is deliberately not more forgiving than GitHub:
//
//   - Every request is matched against operations.tsv, the list of
//     operations in GitHub's published OpenAPI description (derived by
//     scripts/genops, embedded). A request that is not on the list is
//     answered 404, one that is but is not implemented here 501, and a body
//     the description does not define (unknown fields, wrong types, a bare
//     JSON array where {"labels": [...]} is required) 422. Each of these is
//     also recorded as a violation: Violations(), and NewTest fails the test.
//   - Auth is GitHub's: RS256 app JWTs (iss = app ID, iat/exp checked) for
//     /app endpoints, installation tokens (from POST
//     /app/installations/{id}/access_tokens, valid one hour) for everything
//     else, scoped to the installation's repositories (others are 404).
//     Bad or missing credentials are 401 with GitHub's JSON error shape.
//   - Primary rate limits per installation (core 5000/h, search 30/min, both
//     configurable), with X-RateLimit-* headers on every response and 403
//     when exhausted; ETags on GET responses, with If-None-Match answered
//     304 and not counted; GitHub's Link header for pagination (per_page
//     default 30, max 100).
//   - SetFault injects errors, secondary rate limits (403 with Retry-After)
//     and delays; faulted requests are still recorded in Requests().
//
// Implemented operations (see routes.go): apps (get app, installations,
// access tokens, repo/org/user installation, webhook deliveries and
// redelivery, manifest conversion), installation repositories, rate limit;
// repos get, contents (files with a download_url served by the simulator
// itself, directories), commits list (sha, path, author, committer, since,
// until) and get, collaborators (check, permission, list); issues get,
// create, update, list (state, labels, assignee, creator, mentioned, since,
// sort, direction); issue comments list, list for repo, get, create, update,
// delete; labels list, get, create (already_exists is case-insensitive),
// update, delete, and on issues list, add, set, remove, remove all (adding
// creates missing repository labels with colour ededed); assignees add
// (non-assignable logins silently ignored, as on GitHub), remove, check,
// list; issue events and timeline (labeled/unlabeled with their actor,
// ready_for_review, convert_to_draft, review_requested and
// review_request_removed, head_ref_force_pushed, closed, reopened, merged;
// the timeline adds commented, reviewed and committed entries), recorded
// for every change the simulator makes through the API or UpdatePull,
// UpdateIssue, LabelIssue and ForcePushPull; pulls list (state, head, base, sort, direction), get, files,
// commits, reviews, review, review comments, requested reviewers (list,
// request — 422 for non-collaborators and the author — and remove); orgs
// membership check, members, teams, team members; users get; search
// issues with repo:, org:, user:, is:, type:, state:, author:, assignee:,
// commenter:, involves:, reviewed-by:, review-requested:,
// user-review-requested:, team-review-requested:, mentions:, label:,
// -qualifier:, no:, base:, head:, draft:, archived:, in:, created:,
// updated:, closed:, merged: (>, >=, <, <=, a..b, dates or datetimes) and
// free text (words, title, body and comments unless in: says otherwise).
// An unknown qualifier is a 422 and a violation, and so is a query without
// is:issue/is:pr (GitHub refuses those too).
//
// State is seeded from Go (AddUser, AddOrg, AddTeam, AddRepo,
// AddInstallation, PutFile, AddIssue, AddPull, AddComment, AddReview,
// AddCommit, AddIssueEvent, ...) and inspected through copies (Issue, Pull, Comments,
// Labels, Requests). Seeding methods panic on programmer errors (an unknown
// repository or issue), like httptest. author_association is computed like
// GitHub unless seeded. Options.Now is the simulated clock for everything
// written; auth and rate limits use Options.AuthNow (default the real
// clock), because clients sign JWTs with the real clock.
//
// Webhooks: SetWebhook, then Deliver sends a payload with GitHub's headers
// (X-GitHub-Event, X-GitHub-Delivery, X-GitHub-Hook-*, X-Hub-Signature and
// X-Hub-Signature-256 over the exact body) and records the attempt;
// PullRequestEvent, IssuesEvent, IssueCommentEvent, PullRequestReviewEvent
// and InstallationEvent build payloads from the current state with
// go-github's event types.
//
// github.com's side of the app manifest flow is served apart from the API,
// at WebURL (web.go): the new-app page a manifest form is posted to, its
// confirmation button, and the redirect back with a one-time code for the
// manifest conversion. It checks the manifest against GitHub's documented
// parameters, records each post (ManifestPosts), and can drop the state
// from the redirect (DropManifestState) to test its receiver.
//
// To add an endpoint: find its operationId in operations.tsv (if it is not
// there, GitHub does not have it), write a handler func(*call) reply in the
// file for its area (decode bodies with decodeBody, which refuses unknown
// fields; find the repository with c.repo(), which applies token scoping;
// paginate lists with paginate), and add it to the map in routes.go with
// the auth it needs. Render responses with go-github's types (render.go).
package githubsim
