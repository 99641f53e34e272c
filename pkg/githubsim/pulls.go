package githubsim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
)

func (s *Server) listPulls(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	state, rp := enumParam(c, "state", "open", "open", "closed", "all")
	if rp != nil {
		return *rp
	}
	sortBy, rp := enumParam(c, "sort", "created", "created", "updated", "popularity", "long-running")
	if rp != nil {
		return *rp
	}
	defDir := "desc"
	if c.query.Get("sort") != "" && sortBy != "created" {
		defDir = "asc"
	}
	dir, rp := enumParam(c, "direction", defDir, "asc", "desc")
	if rp != nil {
		return *rp
	}
	head, base := c.query.Get("head"), c.query.Get("base")
	var matches []*issueRec
	for _, is := range sortedIssues(r) {
		if !is.isPR || (state != "all" && is.State != state) {
			continue
		}
		if base != "" && is.Base != base {
			continue
		}
		if head != "" {
			owner, ref, hasOwner := strings.Cut(head, ":")
			if !hasOwner {
				ref, owner = owner, ""
			}
			if is.Head != ref || (owner != "" && !strings.EqualFold(owner, is.User)) {
				continue
			}
		}
		matches = append(matches, is)
	}
	key := func(is *issueRec) int64 {
		switch sortBy {
		case "updated":
			return is.UpdatedAt.UnixNano()
		case "popularity":
			return int64(s.commentCount(r, is.Number))
		case "long-running":
			// Open long, updated recently: age of the pull request.
			return -is.CreatedAt.UnixNano()
		}
		return is.CreatedAt.UnixNano()
	}
	sortIssues(matches, dir, key)
	out := []*github.PullRequest{}
	for _, is := range paginate(c, matches) {
		out = append(out, s.pullJSON(r, is, false))
	}
	return ok(out)
}

func (c *call) pull() (*repo, *issueRec, *reply) { return c.repoIssue("pull_number", true) }

func (s *Server) getPull(c *call) reply {
	r, is, rp := c.pull()
	if rp != nil {
		return *rp
	}
	return ok(s.pullJSON(r, is, true))
}

func (s *Server) listPullFiles(c *call) reply {
	r, is, rp := c.pull()
	if rp != nil {
		return *rp
	}
	files := is.Files
	if len(files) > 3000 {
		files = files[:3000]
	}
	out := []*github.CommitFile{}
	for _, f := range paginate(c, files) {
		out = append(out, s.pullFileJSON(r, is, f))
	}
	return ok(out)
}

func (s *Server) listPullCommits(c *call) reply {
	r, is, rp := c.pull()
	if rp != nil {
		return *rp
	}
	commits := is.Commits
	if len(commits) > 250 {
		commits = commits[:250]
	}
	out := []*github.RepositoryCommit{}
	for _, cm := range paginate(c, commits) {
		out = append(out, s.commitJSON(r, cm, false))
	}
	return ok(out)
}

func (s *Server) listReviews(c *call) reply {
	r, is, rp := c.pull()
	if rp != nil {
		return *rp
	}
	out := []*github.PullRequestReview{}
	for _, rv := range paginate(c, is.Reviews) {
		out = append(out, s.reviewJSON(r, is, rv))
	}
	return ok(out)
}

func (s *Server) getReview(c *call) reply {
	r, is, rp := c.pull()
	if rp != nil {
		return *rp
	}
	id, rp := c.int64Param("review_id")
	if rp != nil {
		return *rp
	}
	for _, rv := range is.Reviews {
		if rv.ID == id {
			return ok(s.reviewJSON(r, is, rv))
		}
	}
	return notFound()
}

func (s *Server) listReviewComments(c *call) reply {
	r, is, rp := c.pull()
	if rp != nil {
		return *rp
	}
	since, rp := parseTimeParam(c, "since")
	if rp != nil {
		return *rp
	}
	var matches []ReviewComment
	for _, rc := range is.ReviewComments {
		if since.IsZero() || !rc.UpdatedAt.Before(since) {
			matches = append(matches, rc)
		}
	}
	out := []*github.PullRequestComment{}
	for _, rc := range paginate(c, matches) {
		out = append(out, s.reviewCommentJSON(r, is, rc))
	}
	return ok(out)
}

func (s *Server) requestedJSON(r *repo, is *issueRec) map[string]any {
	teams := []*github.Team{}
	for _, slug := range is.RequestedTeams {
		if t := s.teamJSON(r.owner, slug); t != nil {
			teams = append(teams, t)
		}
	}
	return map[string]any{"users": s.usersJSON(is.RequestedReviewers), "teams": teams}
}

func (s *Server) listRequestedReviewers(c *call) reply {
	r, is, rp := c.pull()
	if rp != nil {
		return *rp
	}
	return ok(s.requestedJSON(r, is))
}

type reviewersBody struct {
	Reviewers     []string `json:"reviewers"`
	TeamReviewers []string `json:"team_reviewers"`
}

func (s *Server) requestReviewers(c *call) reply {
	r, is, rp := c.pull()
	if rp != nil {
		return *rp
	}
	var req reviewersBody
	if rp := decodeBody(c, &req, true); rp != nil {
		return *rp
	}
	notCollab := validationFailed(fmt.Sprintf("Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the %s repository.", r.fullName()))
	for _, login := range req.Reviewers {
		if strings.EqualFold(login, is.User) {
			return validationFailed("Review cannot be requested from pull request author.")
		}
		if u := s.st.lookupUser(login); u == nil || u.typ == "Organization" || s.permission(r, login) == "" {
			return notCollab
		}
	}
	for _, slug := range req.TeamReviewers {
		if s.teamJSON(r.owner, slug) == nil {
			return notCollab
		}
	}
	for _, login := range req.Reviewers {
		if !containsFold(is.RequestedReviewers, login) {
			is.RequestedReviewers = append(is.RequestedReviewers, s.st.lookupUser(login).login)
			s.addEvent(is, IssueEvent{Event: "review_requested", Actor: c.botLogin(), RequestedReviewer: s.st.lookupUser(login).login})
		}
	}
	for _, slug := range req.TeamReviewers {
		if !containsFold(is.RequestedTeams, slug) {
			is.RequestedTeams = append(is.RequestedTeams, slug)
		}
	}
	is.UpdatedAt = s.now()
	return created(s.pullJSON(r, is, false))
}

func (s *Server) removeRequestedReviewers(c *call) reply {
	r, is, rp := c.pull()
	if rp != nil {
		return *rp
	}
	var req reviewersBody
	if rp := decodeBody(c, &req, false); rp != nil {
		return *rp
	}
	if req.Reviewers == nil {
		return badBody(c, errors.New(`"reviewers" is required`))
	}
	for _, login := range req.Reviewers {
		if containsFold(is.RequestedReviewers, login) {
			s.addEvent(is, IssueEvent{Event: "review_request_removed", Actor: c.botLogin(), RequestedReviewer: login})
		}
		is.RequestedReviewers = removeFold(is.RequestedReviewers, login)
	}
	for _, slug := range req.TeamReviewers {
		is.RequestedTeams = removeFold(is.RequestedTeams, slug)
	}
	is.UpdatedAt = s.now()
	return ok(s.pullJSON(r, is, false))
}
