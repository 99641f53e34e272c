package githubsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

func (s *Server) getIssue(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	return ok(s.issueJSON(r, is))
}

// sortedIssues returns r's issues and pull requests by number.
func sortedIssues(r *repo) []*issueRec {
	out := make([]*issueRec, 0, len(r.issues))
	for _, is := range r.issues {
		out = append(out, is)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

func (s *Server) commentCount(r *repo, number int) int {
	n := 0
	for _, c := range r.comments {
		if c.Issue == number {
			n++
		}
	}
	return n
}

func (s *Server) listIssues(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	state, rp := enumParam(c, "state", "open", "open", "closed", "all")
	if rp != nil {
		return *rp
	}
	sortBy, rp := enumParam(c, "sort", "created", "created", "updated", "comments")
	if rp != nil {
		return *rp
	}
	dir, rp := enumParam(c, "direction", "desc", "asc", "desc")
	if rp != nil {
		return *rp
	}
	since, rp := parseTimeParam(c, "since")
	if rp != nil {
		return *rp
	}
	var labels []string
	if v := c.query.Get("labels"); v != "" {
		labels = strings.Split(v, ",")
	}
	assignee, creator, mentioned := c.query.Get("assignee"), c.query.Get("creator"), c.query.Get("mentioned")
	milestone := c.query.Get("milestone")

	var matches []*issueRec
	for _, is := range sortedIssues(r) {
		if state != "all" && is.State != state {
			continue
		}
		if !since.IsZero() && is.UpdatedAt.Before(since) {
			continue
		}
		if !hasAllLabels(is.Labels, labels) {
			continue
		}
		switch assignee {
		case "":
		case "none":
			if len(is.Assignees) > 0 {
				continue
			}
		case "*":
			if len(is.Assignees) == 0 {
				continue
			}
		default:
			if !containsFold(is.Assignees, assignee) {
				continue
			}
		}
		if creator != "" && !strings.EqualFold(is.User, creator) {
			continue
		}
		if mentioned != "" && !mentions(is.Body, mentioned) {
			continue
		}
		if milestone != "" && milestone != "none" {
			continue // The simulator has no milestones.
		}
		matches = append(matches, is)
	}
	key := func(is *issueRec) int64 {
		switch sortBy {
		case "updated":
			return is.UpdatedAt.UnixNano()
		case "comments":
			return int64(s.commentCount(r, is.Number))
		}
		return is.CreatedAt.UnixNano()
	}
	sortIssues(matches, dir, key)
	out := []*github.Issue{}
	for _, is := range paginate(c, matches) {
		out = append(out, s.issueJSON(r, is))
	}
	return ok(out)
}

func hasAllLabels(have, want []string) bool {
	for _, w := range want {
		if w = strings.TrimSpace(w); w != "" && !containsFold(have, w) {
			return false
		}
	}
	return true
}

var mentionRE = regexp.MustCompile(`(?:^|[^\w@/.` + "`" + `])@([A-Za-z0-9][A-Za-z0-9-]*(?:\[bot\])?)`)

// mentions reports whether text @-mentions login.
func mentions(text, login string) bool {
	for _, m := range mentionRE.FindAllStringSubmatch(text, -1) {
		if strings.EqualFold(m[1], login) {
			return true
		}
	}
	return false
}

// stringOrInt decodes a field the description types as string or integer.
func stringOrInt(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("want a string or an integer, got %s", raw)
}

// nameList decodes an array whose items are strings or objects with key
// (e.g. "name" for labels, "login" for assignees).
func nameList(raw json.RawMessage, key string) ([]string, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("want an array, got %s", raw)
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var str string
		if err := json.Unmarshal(it, &str); err == nil {
			out = append(out, str)
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(it, &obj); err != nil {
			return nil, fmt.Errorf("want a string or an object, got %s", it)
		}
		if err := json.Unmarshal(obj[key], &str); err != nil || str == "" {
			return nil, fmt.Errorf("object without a %q string: %s", key, it)
		}
		out = append(out, str)
	}
	return out, nil
}

// assignable says whether login may be assigned in r (and, with is, to that
// issue): the owner, collaborators and members of the owning organisation,
// plus for an issue its author and commenters.
func (s *Server) assignable(r *repo, is *issueRec, login string) bool {
	u := s.st.lookupUser(login)
	if u == nil || u.typ == "Organization" {
		return false
	}
	if s.permission(r, login) != "" {
		return true
	}
	if is == nil {
		return false
	}
	if strings.EqualFold(is.User, login) {
		return true
	}
	for _, c := range r.comments {
		if c.Issue == is.Number && strings.EqualFold(c.User, login) {
			return true
		}
	}
	return false
}

func invalidField(resource, field, value string) map[string]any {
	return map[string]any{"resource": resource, "code": "invalid", "field": field, "value": value}
}

// issueWrite is the body of issues/create and issues/update.
type issueWrite struct {
	Title            json.RawMessage  `json:"title"`
	Body             *json.RawMessage `json:"body"`
	Assignee         *json.RawMessage `json:"assignee"`
	State            *string          `json:"state"`
	StateReason      *json.RawMessage `json:"state_reason"`
	DuplicateIssueID *int64           `json:"duplicate_issue_id"`
	Milestone        *json.RawMessage `json:"milestone"`
	Labels           json.RawMessage  `json:"labels"`
	Assignees        json.RawMessage  `json:"assignees"`
	IssueFieldValues json.RawMessage  `json:"issue_field_values"`
	Type             *json.RawMessage `json:"type"`
}

func isNull(raw *json.RawMessage) bool {
	return raw == nil || bytes.Equal(bytes.TrimSpace(*raw), []byte("null"))
}

func (s *Server) createIssue(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	var req issueWrite
	if rp := decodeBody(c, &req, false); rp != nil {
		return *rp
	}
	if req.State != nil || req.StateReason != nil || req.DuplicateIssueID != nil {
		return badBody(c, errors.New("state, state_reason and duplicate_issue_id are not fields of issues/create"))
	}
	if len(req.Title) == 0 {
		return badBody(c, errors.New(`"title" is required`))
	}
	title, err := stringOrInt(req.Title)
	if err != nil {
		return badBody(c, fmt.Errorf("title: %w", err))
	}
	if strings.TrimSpace(title) == "" {
		return validationFailed("", map[string]any{"resource": "Issue", "code": "missing_field", "field": "title"})
	}
	is := &issueRec{Pull: Pull{Issue: Issue{Title: title, User: c.botLogin()}}}
	if !isNull(req.Body) {
		if err := json.Unmarshal(*req.Body, &is.Body); err != nil {
			return badBody(c, fmt.Errorf("body: %w", err))
		}
	}
	if rp := s.applyIssueWrite(c, r, is, &req); rp != nil {
		return *rp
	}
	rec := s.addIssue(r, is.Pull, false)
	return created(s.issueJSON(r, rec))
}

// applyIssueWrite applies the fields create and update share: milestone,
// labels, assignee(s). It validates everything before changing is.
func (s *Server) applyIssueWrite(c *call, r *repo, is *issueRec, req *issueWrite) *reply {
	if !isNull(req.Milestone) {
		rp := validationFailed("", invalidField("Issue", "milestone", string(*req.Milestone)))
		return &rp
	}
	if !isNull(req.Type) {
		rp := validationFailed("", invalidField("Issue", "type", string(*req.Type)))
		return &rp
	}
	if len(req.IssueFieldValues) > 0 && string(req.IssueFieldValues) != "null" {
		rp := validationFailed("", invalidField("Issue", "issue_field_values", string(req.IssueFieldValues)))
		return &rp
	}
	var labels, assignees []string
	setLabels, setAssignees := false, false
	if len(req.Labels) > 0 && string(req.Labels) != "null" {
		l, err := nameList(req.Labels, "name")
		if err != nil {
			rp := badBody(c, fmt.Errorf("labels: %w", err))
			return &rp
		}
		labels, setLabels = l, true
	}
	if len(req.Assignees) > 0 && string(req.Assignees) != "null" {
		a, err := nameList(req.Assignees, "login")
		if err != nil {
			rp := badBody(c, fmt.Errorf("assignees: %w", err))
			return &rp
		}
		assignees, setAssignees = a, true
	}
	if req.Assignee != nil {
		setAssignees = true
		if !isNull(req.Assignee) {
			var a string
			if err := json.Unmarshal(*req.Assignee, &a); err != nil {
				rp := badBody(c, fmt.Errorf("assignee: %w", err))
				return &rp
			}
			if a != "" {
				assignees = append([]string{a}, assignees...)
			}
		}
	}
	assignees = dedupFold(assignees)
	if len(assignees) > 10 {
		rp := validationFailed("", invalidField("Issue", "assignees", "too many assignees (at most 10)"))
		return &rp
	}
	for _, a := range assignees {
		if !s.assignable(r, is, a) {
			rp := validationFailed("", invalidField("Issue", "assignees", a))
			return &rp
		}
	}
	if setLabels {
		is.Labels = nil
		for _, name := range labels {
			is.Labels = append(is.Labels, s.addLabel(r, Label{Name: name}).Name)
		}
		is.Labels = dedupFold(is.Labels)
	}
	if setAssignees {
		is.Assignees = nil
		for _, a := range assignees {
			is.Assignees = append(is.Assignees, s.st.lookupUser(a).login)
		}
	}
	return nil
}

func (s *Server) updateIssue(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	var req issueWrite
	if rp := decodeBody(c, &req, true); rp != nil {
		return *rp
	}
	// Validate on a copy, then commit, so a 422 changes nothing.
	next := *is
	next.Issue = copyIssue(is.Issue)
	if len(req.Title) > 0 && string(req.Title) != "null" {
		title, err := stringOrInt(req.Title)
		if err != nil {
			return badBody(c, fmt.Errorf("title: %w", err))
		}
		next.Title = title
	}
	if req.Body != nil {
		next.Body = ""
		if !isNull(req.Body) {
			if err := json.Unmarshal(*req.Body, &next.Body); err != nil {
				return badBody(c, fmt.Errorf("body: %w", err))
			}
		}
	}
	reason := ""
	if !isNull(req.StateReason) {
		if err := json.Unmarshal(*req.StateReason, &reason); err != nil {
			return badBody(c, fmt.Errorf("state_reason: %w", err))
		}
		switch reason {
		case "completed", "not_planned", "reopened", "duplicate":
		default:
			return badBody(c, fmt.Errorf("state_reason %q is not one of completed, not_planned, reopened, duplicate", reason))
		}
	}
	now := s.now()
	if req.State != nil {
		switch *req.State {
		case "closed":
			if next.isPR && next.Merged {
				break
			}
			if next.State != "closed" {
				next.State, next.ClosedAt, next.ClosedBy = "closed", now, c.botLogin()
			}
			if reason == "" {
				reason = "completed"
			}
			next.StateReason = reason
		case "open":
			if next.isPR && next.Merged {
				return validationFailed("", invalidField("Issue", "state", "a merged pull request cannot be reopened"))
			}
			if next.State != "open" {
				next.State, next.ClosedAt, next.ClosedBy = "open", time.Time{}, ""
				next.StateReason = "reopened"
			}
		default:
			return badBody(c, fmt.Errorf("state %q is not one of open, closed", *req.State))
		}
	} else if reason != "" && next.State == "closed" {
		next.StateReason = reason
	}
	if rp := s.applyIssueWrite(c, r, &next, &req); rp != nil {
		return *rp
	}
	next.UpdatedAt = now
	before := is.Pull
	*is = next
	s.labelEvents(is, before.Labels, c.botLogin(), now)
	if is.State != before.State {
		ev := "closed"
		if is.State == "open" {
			ev = "reopened"
		}
		s.addEvent(is, IssueEvent{Event: ev, Actor: c.botLogin(), CreatedAt: now})
	}
	return ok(s.issueJSON(r, is))
}

// Comments.

func (s *Server) listComments(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	since, rp := parseTimeParam(c, "since")
	if rp != nil {
		return *rp
	}
	var matches []*commentRec
	for _, cm := range r.comments {
		if cm.Issue == is.Number && (since.IsZero() || !cm.UpdatedAt.Before(since)) {
			matches = append(matches, cm)
		}
	}
	out := []*github.IssueComment{}
	for _, cm := range paginate(c, matches) {
		out = append(out, s.commentJSON(r, cm))
	}
	return ok(out)
}

func (s *Server) listRepoComments(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	sortBy, rp := enumParam(c, "sort", "created", "created", "updated")
	if rp != nil {
		return *rp
	}
	dir, rp := enumParam(c, "direction", "asc", "asc", "desc")
	if rp != nil {
		return *rp
	}
	since, rp := parseTimeParam(c, "since")
	if rp != nil {
		return *rp
	}
	var matches []*commentRec
	for _, cm := range r.comments {
		if since.IsZero() || !cm.UpdatedAt.Before(since) {
			matches = append(matches, cm)
		}
	}
	sort.SliceStable(matches, func(i, j int) bool {
		a, b := matches[i], matches[j]
		ka, kb := a.CreatedAt, b.CreatedAt
		if sortBy == "updated" {
			ka, kb = a.UpdatedAt, b.UpdatedAt
		}
		if ka.Equal(kb) {
			return (a.ID < b.ID) == (dir == "asc")
		}
		return ka.Before(kb) == (dir == "asc")
	})
	out := []*github.IssueComment{}
	for _, cm := range paginate(c, matches) {
		out = append(out, s.commentJSON(r, cm))
	}
	return ok(out)
}

// comment resolves the repository and its {comment_id}, with the
// comment's index in the repository's list.
func (c *call) comment() (*repo, *commentRec, int, *reply) {
	r, rp := c.repo()
	if rp != nil {
		return nil, nil, 0, rp
	}
	id, rp := c.int64Param("comment_id")
	if rp != nil {
		return nil, nil, 0, rp
	}
	for i, cm := range r.comments {
		if cm.ID == id {
			return r, cm, i, nil
		}
	}
	nf := notFound()
	return nil, nil, 0, &nf
}

func (s *Server) getComment(c *call) reply {
	r, cm, _, rp := c.comment()
	if rp != nil {
		return *rp
	}
	return ok(s.commentJSON(r, cm))
}

type commentBody struct {
	Body *string `json:"body"`
}

func (s *Server) createComment(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	var req commentBody
	if rp := decodeBody(c, &req, false); rp != nil {
		return *rp
	}
	if req.Body == nil {
		return badBody(c, errors.New(`"body" is required`))
	}
	if strings.TrimSpace(*req.Body) == "" {
		return validationFailed("", map[string]any{"resource": "IssueComment", "code": "missing_field", "field": "body"})
	}
	if len(*req.Body) > 65536 {
		return validationFailed("", map[string]any{"resource": "IssueComment", "code": "custom", "field": "body", "message": "body is too long (maximum is 65536 characters)"})
	}
	if is.Locked {
		return errorReply(http.StatusForbidden, "Unable to create comment because issue is locked.", "https://docs.github.com/articles/locking-conversations/")
	}
	now := s.now()
	cm := s.addComment(r, is, c.botLogin(), *req.Body, now)
	is.UpdatedAt = now
	return created(s.commentJSON(r, cm))
}

func (s *Server) updateComment(c *call) reply {
	r, cm, _, rp := c.comment()
	if rp != nil {
		return *rp
	}
	var req commentBody
	if rp := decodeBody(c, &req, false); rp != nil {
		return *rp
	}
	if req.Body == nil {
		return badBody(c, errors.New(`"body" is required`))
	}
	if !strings.EqualFold(cm.User, c.botLogin()) {
		return errorReply(http.StatusForbidden, "Resource not accessible by integration", "https://docs.github.com/rest/issues/comments#update-an-issue-comment")
	}
	cm.Body = *req.Body
	cm.UpdatedAt = s.now()
	return ok(s.commentJSON(r, cm))
}

func (s *Server) deleteComment(c *call) reply {
	r, _, i, rp := c.comment()
	if rp != nil {
		return *rp
	}
	r.comments = append(r.comments[:i:i], r.comments[i+1:]...)
	return noContent()
}

// Labels.

func (s *Server) listRepoLabels(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	out := []*github.Label{}
	for _, l := range paginate(c, r.labels) {
		out = append(out, s.labelJSON(r, l.Name))
	}
	return ok(out)
}

// label resolves the repository and its label {name} (case-insensitive,
// as on GitHub).
func (c *call) label() (*repo, *labelRec, *reply) {
	r, rp := c.repo()
	if rp != nil {
		return nil, nil, rp
	}
	l := r.label(c.params["name"])
	if l == nil {
		nf := notFound()
		return nil, nil, &nf
	}
	return r, l, nil
}

func (s *Server) getLabel(c *call) reply {
	r, l, rp := c.label()
	if rp != nil {
		return *rp
	}
	return ok(s.labelJSON(r, l.Name))
}

var colorRE = regexp.MustCompile(`^[0-9a-fA-F]{6}$`)

type labelWrite struct {
	Name        *string `json:"name"`
	NewName     *string `json:"new_name"`
	Color       *string `json:"color"`
	Description *string `json:"description"`
}

func (s *Server) createLabel(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	var req labelWrite
	if rp := decodeBody(c, &req, false); rp != nil {
		return *rp
	}
	if req.NewName != nil {
		return badBody(c, errors.New("new_name is not a field of issues/create-label"))
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return validationFailed("", map[string]any{"resource": "Label", "code": "missing_field", "field": "name"})
	}
	l := Label{Name: *req.Name}
	if req.Color != nil {
		l.Color = strings.TrimPrefix(*req.Color, "#")
		if !colorRE.MatchString(l.Color) {
			return validationFailed("", invalidField("Label", "color", *req.Color))
		}
	}
	if req.Description != nil {
		if len(*req.Description) > 100 {
			return validationFailed("", invalidField("Label", "description", *req.Description))
		}
		l.Description = *req.Description
	}
	if r.label(l.Name) != nil {
		return validationFailed("", map[string]any{"resource": "Label", "code": "already_exists", "field": "name"})
	}
	s.addLabel(r, l)
	return created(s.labelJSON(r, l.Name))
}

func (s *Server) updateLabel(c *call) reply {
	r, l, rp := c.label()
	if rp != nil {
		return *rp
	}
	var req labelWrite
	if rp := decodeBody(c, &req, true); rp != nil {
		return *rp
	}
	if req.Name != nil {
		return badBody(c, errors.New("name is not a field of issues/update-label: use new_name"))
	}
	if req.Color != nil && !colorRE.MatchString(strings.TrimPrefix(*req.Color, "#")) {
		return validationFailed("", invalidField("Label", "color", *req.Color))
	}
	if req.NewName != nil && !strings.EqualFold(*req.NewName, l.Name) && r.label(*req.NewName) != nil {
		return validationFailed("", map[string]any{"resource": "Label", "code": "already_exists", "field": "name"})
	}
	if req.NewName != nil {
		old := l.Name
		l.Name = *req.NewName
		for _, is := range r.issues {
			for i, n := range is.Labels {
				if strings.EqualFold(n, old) {
					is.Labels[i] = l.Name
				}
			}
		}
	}
	if req.Color != nil {
		l.Color = strings.TrimPrefix(*req.Color, "#")
	}
	if req.Description != nil {
		l.Description = *req.Description
	}
	return ok(s.labelJSON(r, l.Name))
}

func (s *Server) deleteLabel(c *call) reply {
	r, l, rp := c.label()
	if rp != nil {
		return *rp
	}
	for i, x := range r.labels {
		if x == l {
			r.labels = append(r.labels[:i:i], r.labels[i+1:]...)
			break
		}
	}
	for _, is := range r.issues {
		is.Labels = removeFold(is.Labels, l.Name)
	}
	return noContent()
}

func (s *Server) issueLabelsJSON(r *repo, is *issueRec) []*github.Label {
	out := []*github.Label{}
	for _, name := range is.Labels {
		if l := s.labelJSON(r, name); l != nil {
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) listIssueLabels(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	return ok(paginate(c, s.issueLabelsJSON(r, is)))
}

// labelsBody decodes {"labels": [...]}, the only body shape the description
// defines for adding and setting labels. A bare JSON array (what go-github's
// AddLabelsToIssue sends) is refused.
func labelsBody(c *call, optional bool) ([]string, *reply) {
	b := bytes.TrimSpace(c.body)
	if len(b) > 0 && b[0] == '[' {
		rp := badBody(c, errors.New(`a bare JSON array is not a documented body; send {"labels": [...]}`))
		return nil, &rp
	}
	var req struct {
		Labels json.RawMessage `json:"labels"`
	}
	if rp := decodeBody(c, &req, optional); rp != nil {
		return nil, rp
	}
	if len(req.Labels) == 0 {
		if optional {
			return nil, nil
		}
		rp := badBody(c, errors.New(`"labels" is required`))
		return nil, &rp
	}
	names, err := nameList(req.Labels, "name")
	if err != nil {
		rp := badBody(c, fmt.Errorf("labels: %w", err))
		return nil, &rp
	}
	return names, nil
}

func (s *Server) addIssueLabels(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	names, rp := labelsBody(c, false)
	if rp != nil {
		return *rp
	}
	if len(names) == 0 {
		return badBody(c, errors.New(`"labels" must have at least one item`))
	}
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			return validationFailed("", invalidField("Label", "name", n))
		}
	}
	return s.putLabels(c, r, is, names, false)
}

// putLabels puts names on the issue, after removing its labels when
// replace; labels the repository lacks are created, as GitHub does.
func (s *Server) putLabels(c *call, r *repo, is *issueRec, names []string, replace bool) reply {
	before := append([]string(nil), is.Labels...)
	if replace {
		is.Labels = nil
	}
	for _, n := range names {
		l := s.addLabel(r, Label{Name: n})
		if !containsFold(is.Labels, l.Name) {
			is.Labels = append(is.Labels, l.Name)
		}
	}
	s.labelEvents(is, before, c.botLogin(), s.now())
	is.UpdatedAt = s.now()
	return ok(s.issueLabelsJSON(r, is))
}

func (s *Server) setIssueLabels(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	names, rp := labelsBody(c, true)
	if rp != nil {
		return *rp
	}
	return s.putLabels(c, r, is, names, true)
}

func (s *Server) removeIssueLabel(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	name := c.params["name"]
	if !containsFold(is.Labels, name) {
		return errorReply(http.StatusNotFound, "Label does not exist", "https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue")
	}
	before := append([]string(nil), is.Labels...)
	is.Labels = removeFold(is.Labels, name)
	s.labelEvents(is, before, c.botLogin(), s.now())
	is.UpdatedAt = s.now()
	return ok(s.issueLabelsJSON(r, is))
}

func (s *Server) removeAllIssueLabels(c *call) reply {
	_, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	before := is.Labels
	is.Labels = nil
	s.labelEvents(is, before, c.botLogin(), s.now())
	is.UpdatedAt = s.now()
	return noContent()
}

// Assignees.

func (s *Server) addAssignees(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	var req struct {
		Assignees json.RawMessage `json:"assignees"`
	}
	if rp := decodeBody(c, &req, true); rp != nil {
		return *rp
	}
	var logins []string
	if len(req.Assignees) > 0 {
		l, err := nameList(req.Assignees, "login")
		if err != nil {
			return badBody(c, fmt.Errorf("assignees: %w", err))
		}
		logins = l
	}
	// GitHub silently ignores logins that cannot be assigned.
	changed := false
	for _, l := range logins {
		if len(is.Assignees) >= 10 {
			break
		}
		if s.assignable(r, is, l) && !containsFold(is.Assignees, l) {
			login := s.st.lookupUser(l).login
			is.Assignees = append(is.Assignees, login)
			s.addEvent(is, IssueEvent{Event: "assigned", Actor: c.botLogin(), Assignee: login})
			changed = true
		}
	}
	if changed {
		is.UpdatedAt = s.now()
	}
	return created(s.issueJSON(r, is))
}

func (s *Server) removeAssignees(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	var req struct {
		Assignees []string `json:"assignees"`
	}
	if rp := decodeBody(c, &req, false); rp != nil {
		return *rp
	}
	if req.Assignees == nil {
		return badBody(c, errors.New(`"assignees" is required`))
	}
	before := len(is.Assignees)
	for _, l := range req.Assignees {
		for _, a := range is.Assignees {
			if strings.EqualFold(a, l) {
				is.Assignees = removeFold(is.Assignees, a)
				s.addEvent(is, IssueEvent{Event: "unassigned", Actor: c.botLogin(), Assignee: a})
				break
			}
		}
	}
	if len(is.Assignees) != before {
		is.UpdatedAt = s.now()
	}
	return ok(s.issueJSON(r, is))
}

func (s *Server) checkAssignable(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	if !s.assignable(r, nil, c.params["assignee"]) {
		return notFound()
	}
	return noContent()
}

func (s *Server) checkAssignableToIssue(c *call) reply {
	r, is, rp := c.repoIssue("issue_number", false)
	if rp != nil {
		return *rp
	}
	if !s.assignable(r, is, c.params["assignee"]) {
		return notFound()
	}
	return noContent()
}

func (s *Server) listAssignees(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	var logins []string
	for _, u := range s.st.users {
		if s.assignable(r, nil, u.login) {
			logins = append(logins, u.login)
		}
	}
	sort.Strings(logins)
	return ok(s.usersJSON(paginate(c, logins)))
}

// sortIssues orders issues or pull requests by key, in direction dir ("asc"
// or "desc"), ties broken by number, as GitHub's list endpoints do.
func sortIssues(matches []*issueRec, dir string, key func(*issueRec) int64) {
	sort.SliceStable(matches, func(i, j int) bool {
		a, b := matches[i], matches[j]
		if dir == "desc" {
			a, b = b, a
		}
		if ka, kb := key(a), key(b); ka != kb {
			return ka < kb
		}
		return a.Number < b.Number
	})
}
