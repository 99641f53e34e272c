package githubsim

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// IssueEvent is one entry of an issue's or pull request's event log, as
// GitHub's issue events API (GET /repos/{owner}/{repo}/issues/{n}/events)
// returns it; the timeline API interleaves them with comments, reviews and
// commits.
//
// The simulator records events for the state changes it makes itself: labels
// added or removed through the API (actor: the bot) or at seeding (actor: the
// author), review requests, a pull request marked ready for review or
// converted to draft, closed, reopened or merged through UpdatePull,
// UpdateIssue or the API, and force pushes (ForcePushPull). Tests may seed
// others through Issue.Events or AddIssueEvent.
type IssueEvent struct {
	ID int64 // assigned
	// Event is GitHub's name: labeled, unlabeled, ready_for_review,
	// convert_to_draft, review_requested, review_request_removed,
	// head_ref_force_pushed, closed, reopened, merged, assigned, ...
	Event string
	// Actor defaults to the issue's author.
	Actor string
	// CreatedAt defaults to the clock.
	CreatedAt time.Time
	// Label is the label's name (labeled, unlabeled).
	Label string
	// RequestedReviewer is the login asked for a review
	// (review_requested, review_request_removed).
	RequestedReviewer string
	// CommitID is the head after a force push, or the merge commit.
	CommitID string
	// Assignee is the login assigned or unassigned (assigned, unassigned);
	// the actor is who did it.
	Assignee string
}

// AddIssueEvent appends an event to an issue's or pull request's log as is,
// without changing the issue (tests use it to describe history, e.g. a
// ready_for_review long ago); it returns the event's ID.
func (s *Server) AddIssueEvent(repoName string, number int, ev IssueEvent) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.mustIssue(s.mustRepo(repoName), number)
	return s.addEvent(is, ev).ID
}

// LabelIssue adds a label to an issue or pull request as actor would in the
// web UI, recording the labeled event.
func (s *Server) LabelIssue(repoName string, number int, actor, label string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	is := s.mustIssue(r, number)
	before := append([]string(nil), is.Labels...)
	l := s.addLabel(r, Label{Name: label})
	if !containsFold(is.Labels, l.Name) {
		is.Labels = append(is.Labels, l.Name)
	}
	s.labelEvents(is, before, actor, s.now())
	is.UpdatedAt = s.now()
}

// ForcePushPull replaces a pull request's commits, as `git push --force` by
// actor does, and records head_ref_force_pushed. It returns the new head SHA.
func (s *Server) ForcePushPull(repoName string, number int, actor string, commits ...Commit) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	is := s.mustPull(r, number)
	for i := range commits {
		s.fillCommit(r, &commits[i], is.User)
	}
	is.Commits = commits
	is.HeadSHA = ""
	s.fillPull(r, &is.Pull)
	s.addEvent(is, IssueEvent{Event: "head_ref_force_pushed", Actor: actor, CommitID: is.HeadSHA})
	is.UpdatedAt = s.now()
	return is.HeadSHA
}

// addEvent fills in the event's defaults and appends it.
func (s *Server) addEvent(is *issueRec, ev IssueEvent) IssueEvent {
	if ev.ID == 0 {
		ev.ID = s.st.id()
	}
	if ev.Actor == "" {
		ev.Actor = is.User
	}
	s.st.user(ev.Actor, "")
	if ev.RequestedReviewer != "" {
		s.st.user(ev.RequestedReviewer, "")
	}
	if ev.Assignee != "" {
		s.st.user(ev.Assignee, "")
	}
	if ev.CreatedAt.IsZero() {
		ev.CreatedAt = s.now()
	}
	is.Events = append(is.Events, ev)
	return ev
}

// labelEvents records labeled and unlabeled events for the difference
// between before and the issue's labels now.
func (s *Server) labelEvents(is *issueRec, before []string, actor string, at time.Time) {
	for _, l := range before {
		if !containsFold(is.Labels, l) {
			s.addEvent(is, IssueEvent{Event: "unlabeled", Actor: actor, Label: l, CreatedAt: at})
		}
	}
	for _, l := range is.Labels {
		if !containsFold(before, l) {
			s.addEvent(is, IssueEvent{Event: "labeled", Actor: actor, Label: l, CreatedAt: at})
		}
	}
}

// seedEvents records what a freshly added issue or pull request's fields
// imply (its labels and review requests, by its author when it was opened)
// unless the seeded Events already describe them, and fills in the seeded
// events' defaults.
func (s *Server) seedEvents(is *issueRec) {
	seeded := is.Events
	is.Events = nil
	for _, ev := range seeded {
		s.addEvent(is, ev)
	}
	described := func(event, label, reviewer string) bool {
		for _, ev := range seeded {
			if ev.Event == event && strings.EqualFold(ev.Label, label) && strings.EqualFold(ev.RequestedReviewer, reviewer) {
				return true
			}
		}
		return false
	}
	for _, l := range is.Labels {
		if !described("labeled", l, "") {
			s.addEvent(is, IssueEvent{Event: "labeled", Label: l, CreatedAt: is.CreatedAt})
		}
	}
	for _, u := range is.RequestedReviewers {
		if !described("review_requested", "", u) {
			s.addEvent(is, IssueEvent{Event: "review_requested", RequestedReviewer: u, CreatedAt: is.CreatedAt})
		}
	}
	s.sortEvents(is)
}

// changeEvents records the events implied by a change a test made through
// UpdatePull or UpdateIssue (attributed to the author, or MergedBy for a
// merge), at the clock's time.
func (s *Server) changeEvents(is *issueRec, before Pull) {
	now := s.now()
	if is.isPR && before.Draft && !is.Draft {
		s.addEvent(is, IssueEvent{Event: "ready_for_review", CreatedAt: now})
	}
	if is.isPR && !before.Draft && is.Draft {
		s.addEvent(is, IssueEvent{Event: "convert_to_draft", CreatedAt: now})
	}
	s.labelEvents(is, before.Labels, is.User, now)
	for _, u := range is.RequestedReviewers {
		if !containsFold(before.RequestedReviewers, u) {
			s.addEvent(is, IssueEvent{Event: "review_requested", RequestedReviewer: u, CreatedAt: now})
		}
	}
	if is.Merged && !before.Merged {
		at := is.MergedAt
		s.addEvent(is, IssueEvent{Event: "merged", Actor: is.MergedBy, CreatedAt: at, CommitID: is.HeadSHA})
		s.addEvent(is, IssueEvent{Event: "closed", Actor: is.MergedBy, CreatedAt: at})
	} else if is.State == "closed" && before.State != "closed" {
		s.addEvent(is, IssueEvent{Event: "closed", Actor: is.ClosedBy, CreatedAt: now})
	}
	if is.State == "open" && before.State == "closed" {
		s.addEvent(is, IssueEvent{Event: "reopened", CreatedAt: now})
	}
	s.sortEvents(is)
}

func (s *Server) sortEvents(is *issueRec) {
	sort.SliceStable(is.Events, func(i, j int) bool { return is.Events[i].CreatedAt.Before(is.Events[j].CreatedAt) })
}

// eventJSON renders an event as the issue events API does.
func (s *Server) eventJSON(r *repo, ev IssueEvent) map[string]any {
	out := map[string]any{
		"id":                       ev.ID,
		"node_id":                  nodeID("E", ev.ID),
		"url":                      s.apiURL("/repos/%s/issues/events/%d", r.fullName(), ev.ID),
		"actor":                    s.userJSON(ev.Actor),
		"event":                    ev.Event,
		"commit_id":                nil,
		"commit_url":               nil,
		"created_at":               ts(ev.CreatedAt),
		"performed_via_github_app": nil,
	}
	if u := s.st.lookupUser(ev.Actor); u != nil && u.typ == "Bot" && strings.EqualFold(ev.Actor, s.BotLogin()) {
		out["performed_via_github_app"] = s.appJSON()
	}
	if ev.CommitID != "" {
		out["commit_id"] = ev.CommitID
		out["commit_url"] = s.apiURL("/repos/%s/commits/%s", r.fullName(), ev.CommitID)
	}
	switch ev.Event {
	case "labeled", "unlabeled":
		color := DefaultLabelColor
		if l := r.label(ev.Label); l != nil {
			color = l.Color
		}
		out["label"] = map[string]any{"name": ev.Label, "color": color}
	case "assigned", "unassigned":
		// GitHub names both the assignee and, as "assigner", the actor.
		out["assignee"] = s.userJSON(ev.Assignee)
		out["assigner"] = s.userJSON(ev.Actor)
	case "review_requested", "review_request_removed":
		out["requested_reviewer"] = s.userJSON(ev.RequestedReviewer)
		out["review_requester"] = s.userJSON(ev.Actor)
	}
	return out
}

// listIssueEvents is GET /repos/{owner}/{repo}/issues/{issue_number}/events:
// the event log, oldest first, without comments, reviews or commits.
func (s *Server) listIssueEvents(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	out := []map[string]any{}
	for _, ev := range paginate(c, is.Events) {
		out = append(out, s.eventJSON(r, ev))
	}
	return ok(out)
}

// listTimeline is GET /repos/{owner}/{repo}/issues/{issue_number}/timeline:
// the event log interleaved, oldest first, with comments ("commented"),
// submitted reviews ("reviewed", state in lower case; pending reviews are
// private to their author and absent) and, for pull requests, commits
// ("committed", placed at the committer date; GitHub gives commits no
// actor, only the git author and committer names and e-mails). Review
// comments belong to their review and are not listed separately.
func (s *Server) listTimeline(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	type entry struct {
		at   time.Time
		body map[string]any
	}
	var all []entry
	for _, ev := range is.Events {
		all = append(all, entry{ev.CreatedAt, s.eventJSON(r, ev)})
	}
	for _, cm := range r.comments {
		if cm.Issue != is.Number {
			continue
		}
		j := s.commentJSON(r, cm)
		all = append(all, entry{cm.CreatedAt, map[string]any{
			"event": "commented", "id": j.ID, "node_id": j.NodeID, "url": j.URL, "html_url": j.HTMLURL,
			"issue_url": j.IssueURL, "user": j.User, "actor": j.User, "body": j.Body,
			"created_at": j.CreatedAt, "updated_at": j.UpdatedAt, "author_association": j.AuthorAssociation,
		}})
	}
	for _, rv := range is.Reviews {
		if strings.EqualFold(rv.State, "PENDING") {
			continue
		}
		j := s.reviewJSON(r, is, rv)
		all = append(all, entry{rv.SubmittedAt, map[string]any{
			"event": "reviewed", "id": j.ID, "node_id": j.NodeID, "user": j.User, "body": j.Body,
			"state": strings.ToLower(rv.State), "html_url": j.HTMLURL, "pull_request_url": j.PullRequestURL,
			"author_association": j.AuthorAssociation, "submitted_at": j.SubmittedAt, "commit_id": j.CommitID,
		}})
	}
	if is.isPR {
		for _, cm := range is.Commits {
			u := s.st.user(cm.Author, "")
			sig := map[string]any{"name": u.login, "email": fmt.Sprintf("%d+%s@users.noreply.github.com", u.id, u.login), "date": ts(cm.Date)}
			all = append(all, entry{cm.Date, map[string]any{
				"event": "committed", "sha": cm.SHA, "node_id": nodeID("C", int64(len(cm.SHA))),
				"url":      s.apiURL("/repos/%s/git/commits/%s", r.fullName(), cm.SHA),
				"html_url": fmt.Sprintf("%s/%s/commit/%s", webURL, r.fullName(), cm.SHA),
				"author":   sig, "committer": sig, "message": cm.Message,
				"tree":         map[string]any{"sha": fakeSHA(cm.SHA, "tree"), "url": s.apiURL("/repos/%s/git/trees/%s", r.fullName(), fakeSHA(cm.SHA, "tree"))},
				"parents":      []any{},
				"verification": map[string]any{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil},
			}})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].at.Before(all[j].at) })
	out := []map[string]any{}
	for _, e := range paginate(c, all) {
		out = append(out, e.body)
	}
	return ok(out)
}
