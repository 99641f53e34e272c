package githubsim

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// This file turns state into GitHub's JSON shapes, using go-github's types so
// that every field has GitHub's name.

const webURL = "https://github.com"

func ts(t time.Time) *github.Timestamp {
	if t.IsZero() {
		return nil
	}
	// GitHub's timestamps have second precision.
	return &github.Timestamp{Time: t.UTC().Truncate(time.Second)}
}

func nodeID(kind string, id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("0%s%d", kind, id)))
}

func (s *Server) apiURL(format string, args ...any) string {
	return s.url + fmt.Sprintf(format, args...)
}

func (s *Server) userJSON(login string) *github.User {
	if login == "" {
		return nil
	}
	u := s.st.user(login, "")
	html := webURL + "/" + u.login
	if u.typ == "Bot" {
		html = webURL + "/apps/" + strings.TrimSuffix(u.login, "[bot]")
	}
	return &github.User{
		Login:     github.String(u.login),
		ID:        github.Int64(u.id),
		NodeID:    github.String(nodeID("U", u.id)),
		AvatarURL: github.String(fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", u.id)),
		HTMLURL:   github.String(html),
		URL:       github.String(s.apiURL("/users/%s", url.PathEscape(u.login))),
		Type:      github.String(u.typ),
		SiteAdmin: github.Bool(false),
	}
}

func (s *Server) usersJSON(logins []string) []*github.User {
	out := make([]*github.User, 0, len(logins))
	for _, l := range logins {
		out = append(out, s.userJSON(l))
	}
	return out
}

func (s *Server) repoJSON(r *repo) *github.Repository {
	vis := "public"
	if r.private {
		vis = "private"
	}
	base := s.apiURL("/repos/%s/%s", r.owner, r.name)
	return &github.Repository{
		ID:            github.Int64(r.id),
		NodeID:        github.String(nodeID("R", r.id)),
		Name:          github.String(r.name),
		FullName:      github.String(r.fullName()),
		Owner:         s.userJSON(r.owner),
		Private:       github.Bool(r.private),
		Visibility:    github.String(vis),
		Description:   github.String(r.description),
		Fork:          github.Bool(false),
		Archived:      github.Bool(false),
		Disabled:      github.Bool(false),
		DefaultBranch: github.String(r.defaultBranch),
		HTMLURL:       github.String(webURL + "/" + r.fullName()),
		URL:           github.String(base),
		CloneURL:      github.String(webURL + "/" + r.fullName() + ".git"),
		IssuesURL:     github.String(base + "/issues{/number}"),
		PullsURL:      github.String(base + "/pulls{/number}"),
		ContentsURL:   github.String(base + "/contents/{+path}"),
		LabelsURL:     github.String(base + "/labels{/name}"),
		HasIssues:     github.Bool(true),
		CreatedAt:     ts(r.createdAt),
		UpdatedAt:     ts(r.createdAt),
		PushedAt:      ts(r.createdAt),
	}
}

func (s *Server) labelJSON(r *repo, name string) *github.Label {
	l := r.label(name)
	if l == nil {
		return nil
	}
	return &github.Label{
		ID:          github.Int64(l.id),
		NodeID:      github.String(nodeID("LA", l.id)),
		URL:         github.String(s.apiURL("/repos/%s/labels/%s", r.fullName(), url.PathEscape(l.Name))),
		Name:        github.String(l.Name),
		Color:       github.String(l.Color),
		Description: github.String(l.Description),
		Default:     github.Bool(false),
	}
}

func (s *Server) issueJSON(r *repo, is *issueRec) *github.Issue {
	base := s.apiURL("/repos/%s/issues/%d", r.fullName(), is.Number)
	kind := "issues"
	if is.isPR {
		kind = "pull"
	}
	labels := make([]*github.Label, 0, len(is.Labels))
	for _, name := range is.Labels {
		if l := s.labelJSON(r, name); l != nil {
			labels = append(labels, l)
		}
	}
	comments := 0
	for _, c := range r.comments {
		if c.Issue == is.Number {
			comments++
		}
	}
	out := &github.Issue{
		ID:                github.Int64(is.ID),
		NodeID:            github.String(nodeID("I", is.ID)),
		Number:            github.Int(is.Number),
		State:             github.String(is.State),
		Locked:            github.Bool(is.Locked),
		Title:             github.String(is.Title),
		Body:              github.String(is.Body),
		AuthorAssociation: github.String(s.issueAssoc(r, is)),
		User:              s.userJSON(is.User),
		Labels:            labels,
		Assignees:         s.usersJSON(is.Assignees),
		Comments:          github.Int(comments),
		CreatedAt:         ts(is.CreatedAt),
		UpdatedAt:         ts(is.UpdatedAt),
		URL:               github.String(base),
		HTMLURL:           github.String(fmt.Sprintf("%s/%s/%s/%d", webURL, r.fullName(), kind, is.Number)),
		CommentsURL:       github.String(base + "/comments"),
		EventsURL:         github.String(base + "/events"),
		LabelsURL:         github.String(base + "/labels{/name}"),
		RepositoryURL:     github.String(s.apiURL("/repos/%s", r.fullName())),
	}
	if is.StateReason != "" {
		out.StateReason = github.String(is.StateReason)
	}
	if len(is.Assignees) > 0 {
		out.Assignee = s.userJSON(is.Assignees[0])
	}
	if is.State == "closed" {
		out.ClosedAt = ts(is.ClosedAt)
		if is.ClosedBy != "" {
			out.ClosedBy = s.userJSON(is.ClosedBy)
		}
	}
	if is.isPR {
		out.Draft = github.Bool(is.Draft)
		pbase := s.apiURL("/repos/%s/pulls/%d", r.fullName(), is.Number)
		html := fmt.Sprintf("%s/%s/pull/%d", webURL, r.fullName(), is.Number)
		out.PullRequestLinks = &github.PullRequestLinks{
			URL:      github.String(pbase),
			HTMLURL:  github.String(html),
			DiffURL:  github.String(html + ".diff"),
			PatchURL: github.String(html + ".patch"),
		}
		if is.Merged {
			out.PullRequestLinks.MergedAt = ts(is.MergedAt)
		}
	}
	return out
}

// pullJSON renders a pull request; full adds the fields GitHub only sends
// for a single pull request (merged, mergeable, counts), not in lists.
func (s *Server) pullJSON(r *repo, is *issueRec, full bool) *github.PullRequest {
	iss := s.issueJSON(r, is)
	base := s.apiURL("/repos/%s/pulls/%d", r.fullName(), is.Number)
	html := fmt.Sprintf("%s/%s/pull/%d", webURL, r.fullName(), is.Number)
	repoJ := s.repoJSON(r)
	headOwner := is.User
	out := &github.PullRequest{
		ID:                 iss.ID,
		NodeID:             github.String(nodeID("PR", is.ID)),
		Number:             iss.Number,
		State:              iss.State,
		Locked:             iss.Locked,
		Title:              iss.Title,
		Body:               iss.Body,
		User:               iss.User,
		Labels:             iss.Labels,
		Assignee:           iss.Assignee,
		Assignees:          iss.Assignees,
		AuthorAssociation:  iss.AuthorAssociation,
		CreatedAt:          iss.CreatedAt,
		UpdatedAt:          iss.UpdatedAt,
		ClosedAt:           iss.ClosedAt,
		Draft:              github.Bool(is.Draft),
		URL:                github.String(base),
		HTMLURL:            github.String(html),
		DiffURL:            github.String(html + ".diff"),
		PatchURL:           github.String(html + ".patch"),
		IssueURL:           github.String(s.apiURL("/repos/%s/issues/%d", r.fullName(), is.Number)),
		CommitsURL:         github.String(base + "/commits"),
		CommentsURL:        github.String(s.apiURL("/repos/%s/issues/%d/comments", r.fullName(), is.Number)),
		ReviewCommentsURL:  github.String(base + "/comments"),
		StatusesURL:        github.String(s.apiURL("/repos/%s/statuses/%s", r.fullName(), is.HeadSHA)),
		RequestedReviewers: s.usersJSON(is.RequestedReviewers),
		Head: &github.PullRequestBranch{
			Label: github.String(headOwner + ":" + is.Head),
			Ref:   github.String(is.Head),
			SHA:   github.String(is.HeadSHA),
			User:  s.userJSON(headOwner),
			Repo:  repoJ,
		},
		Base: &github.PullRequestBranch{
			Label: github.String(r.owner + ":" + is.Base),
			Ref:   github.String(is.Base),
			SHA:   github.String(fakeSHA(r.fullName(), "branch", is.Base)),
			User:  s.userJSON(r.owner),
			Repo:  repoJ,
		},
	}
	for _, slug := range is.RequestedTeams {
		if t := s.teamJSON(r.owner, slug); t != nil {
			out.RequestedTeams = append(out.RequestedTeams, t)
		}
	}
	if is.Merged {
		out.MergedAt = ts(is.MergedAt)
		out.MergeCommitSHA = github.String(fakeSHA(r.fullName(), "merge", is.Number))
	}
	if full {
		out.Merged = github.Bool(is.Merged)
		out.Mergeable = github.Bool(!is.Merged && is.State == "open")
		out.MergeableState = github.String("clean")
		if is.Merged && is.MergedBy != "" {
			out.MergedBy = s.userJSON(is.MergedBy)
		}
		out.Comments = iss.Comments
		out.ReviewComments = github.Int(len(is.ReviewComments))
		out.Commits = github.Int(len(is.Commits))
		adds, dels := 0, 0
		for _, f := range is.Files {
			adds += f.Additions
			dels += f.Deletions
		}
		out.Additions = github.Int(adds)
		out.Deletions = github.Int(dels)
		out.ChangedFiles = github.Int(len(is.Files))
		out.MaintainerCanModify = github.Bool(true)
	}
	return out
}

func (s *Server) teamJSON(orgLogin, slug string) *github.Team {
	o := s.st.orgs[strings.ToLower(orgLogin)]
	if o == nil {
		return nil
	}
	t := o.teams[strings.ToLower(slug)]
	if t == nil {
		return nil
	}
	return &github.Team{
		ID:         github.Int64(t.id),
		NodeID:     github.String(nodeID("T", t.id)),
		Name:       github.String(t.slug),
		Slug:       github.String(t.slug),
		URL:        github.String(s.apiURL("/orgs/%s/teams/%s", o.login, t.slug)),
		HTMLURL:    github.String(fmt.Sprintf("%s/orgs/%s/teams/%s", webURL, o.login, t.slug)),
		Privacy:    github.String("closed"),
		Permission: github.String("pull"),
	}
}

func (s *Server) commentJSON(r *repo, c *commentRec) *github.IssueComment {
	return &github.IssueComment{
		ID:                github.Int64(c.ID),
		NodeID:            github.String(nodeID("IC", c.ID)),
		Body:              github.String(c.Body),
		User:              s.userJSON(c.User),
		AuthorAssociation: github.String(s.commentAssoc(r, c)),
		CreatedAt:         ts(c.CreatedAt),
		UpdatedAt:         ts(c.UpdatedAt),
		URL:               github.String(s.apiURL("/repos/%s/issues/comments/%d", r.fullName(), c.ID)),
		HTMLURL:           github.String(fmt.Sprintf("%s/%s/%s/%d#issuecomment-%d", webURL, r.fullName(), s.issueKind(r, c.Issue), c.Issue, c.ID)),
		IssueURL:          github.String(s.apiURL("/repos/%s/issues/%d", r.fullName(), c.Issue)),
	}
}

func (s *Server) issueKind(r *repo, number int) string {
	if is := r.issues[number]; is != nil && is.isPR {
		return "pull"
	}
	return "issues"
}

func (s *Server) reviewJSON(r *repo, is *issueRec, rv Review) *github.PullRequestReview {
	html := fmt.Sprintf("%s/%s/pull/%d#pullrequestreview-%d", webURL, r.fullName(), is.Number, rv.ID)
	return &github.PullRequestReview{
		ID:                github.Int64(rv.ID),
		NodeID:            github.String(nodeID("PRR", rv.ID)),
		User:              s.userJSON(rv.User),
		Body:              github.String(rv.Body),
		SubmittedAt:       ts(rv.SubmittedAt),
		CommitID:          github.String(rv.CommitID),
		HTMLURL:           github.String(html),
		PullRequestURL:    github.String(s.apiURL("/repos/%s/pulls/%d", r.fullName(), is.Number)),
		State:             github.String(rv.State),
		AuthorAssociation: github.String(s.association(r, rv.User)),
	}
}

func (s *Server) reviewCommentJSON(r *repo, is *issueRec, rc ReviewComment) *github.PullRequestComment {
	out := &github.PullRequestComment{
		ID:                github.Int64(rc.ID),
		NodeID:            github.String(nodeID("PRRC", rc.ID)),
		Body:              github.String(rc.Body),
		Path:              github.String(rc.Path),
		CommitID:          github.String(rc.CommitID),
		OriginalCommitID:  github.String(rc.CommitID),
		User:              s.userJSON(rc.User),
		AuthorAssociation: github.String(s.association(r, rc.User)),
		CreatedAt:         ts(rc.CreatedAt),
		UpdatedAt:         ts(rc.UpdatedAt),
		URL:               github.String(s.apiURL("/repos/%s/pulls/comments/%d", r.fullName(), rc.ID)),
		HTMLURL:           github.String(fmt.Sprintf("%s/%s/pull/%d#discussion_r%d", webURL, r.fullName(), is.Number, rc.ID)),
		PullRequestURL:    github.String(s.apiURL("/repos/%s/pulls/%d", r.fullName(), is.Number)),
	}
	if rc.Line > 0 {
		out.Line = github.Int(rc.Line)
		out.OriginalLine = github.Int(rc.Line)
	}
	if rc.InReplyTo != 0 {
		out.InReplyTo = github.Int64(rc.InReplyTo)
	}
	return out
}

func (s *Server) commitJSON(r *repo, c Commit, withFiles bool) *github.RepositoryCommit {
	u := s.st.user(c.Author, "")
	sig := &github.CommitAuthor{
		Name:  github.String(u.login),
		Email: github.String(fmt.Sprintf("%d+%s@users.noreply.github.com", u.id, u.login)),
		Date:  ts(c.Date),
		Login: nil,
	}
	out := &github.RepositoryCommit{
		NodeID: github.String(nodeID("C", int64(len(c.SHA)))),
		SHA:    github.String(c.SHA),
		Commit: &github.Commit{
			SHA:          github.String(c.SHA),
			Author:       sig,
			Committer:    sig,
			Message:      github.String(c.Message),
			URL:          github.String(s.apiURL("/repos/%s/git/commits/%s", r.fullName(), c.SHA)),
			CommentCount: github.Int(0),
		},
		Author:      s.userJSON(c.Author),
		Committer:   s.userJSON(c.Author),
		HTMLURL:     github.String(fmt.Sprintf("%s/%s/commit/%s", webURL, r.fullName(), c.SHA)),
		URL:         github.String(s.apiURL("/repos/%s/commits/%s", r.fullName(), c.SHA)),
		CommentsURL: github.String(s.apiURL("/repos/%s/commits/%s/comments", r.fullName(), c.SHA)),
	}
	if withFiles {
		out.Files = []*github.CommitFile{}
		for _, f := range c.Files {
			out.Files = append(out.Files, &github.CommitFile{
				SHA:      github.String(fakeSHA(c.SHA, f)),
				Filename: github.String(f),
				Status:   github.String("modified"),
			})
		}
	}
	return out
}

func (s *Server) pullFileJSON(r *repo, is *issueRec, f PullFile) *github.CommitFile {
	sha := fakeSHA(is.HeadSHA, f.Filename)
	return &github.CommitFile{
		SHA:         github.String(sha),
		Filename:    github.String(f.Filename),
		Status:      github.String(f.Status),
		Additions:   github.Int(f.Additions),
		Deletions:   github.Int(f.Deletions),
		Changes:     github.Int(f.Additions + f.Deletions),
		Patch:       github.String(f.Patch),
		BlobURL:     github.String(fmt.Sprintf("%s/%s/blob/%s/%s", webURL, r.fullName(), is.HeadSHA, f.Filename)),
		RawURL:      github.String(fmt.Sprintf("%s/%s/raw/%s/%s", webURL, r.fullName(), is.HeadSHA, f.Filename)),
		ContentsURL: github.String(s.apiURL("/repos/%s/contents/%s?ref=%s", r.fullName(), f.Filename, is.HeadSHA)),
	}
}

func (s *Server) installationJSON(inst *installation) *github.Installation {
	acct := s.userJSON(inst.account)
	sel := "all"
	if len(inst.repos) > 0 {
		sel = "selected"
	}
	target := "User"
	if s.st.orgs[strings.ToLower(inst.account)] != nil {
		target = "Organization"
	}
	return &github.Installation{
		ID:                  github.Int64(inst.id),
		NodeID:              github.String(nodeID("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u", inst.id)),
		AppID:               github.Int64(s.opts.AppID),
		AppSlug:             github.String(s.opts.AppSlug),
		TargetID:            acct.ID,
		TargetType:          github.String(target),
		Account:             acct,
		AccessTokensURL:     github.String(s.apiURL("/app/installations/%d/access_tokens", inst.id)),
		RepositoriesURL:     github.String(s.apiURL("/installation/repositories")),
		HTMLURL:             github.String(fmt.Sprintf("%s/settings/installations/%d", webURL, inst.id)),
		RepositorySelection: github.String(sel),
		Events:              []string{"issue_comment", "issues", "pull_request", "pull_request_review", "pull_request_review_comment"},
		Permissions:         permissions(),
		CreatedAt:           ts(time.Unix(1700000000, 0)),
		UpdatedAt:           ts(time.Unix(1700000000, 0)),
	}
}

func permissions() *github.InstallationPermissions {
	return &github.InstallationPermissions{
		Contents:     github.String("read"),
		Issues:       github.String("write"),
		Metadata:     github.String("read"),
		Members:      github.String("read"),
		PullRequests: github.String("write"),
	}
}

func (s *Server) appJSON() *github.App {
	return &github.App{
		ID:          github.Int64(s.opts.AppID),
		Slug:        github.String(s.opts.AppSlug),
		NodeID:      github.String(nodeID("A", s.opts.AppID)),
		Owner:       s.userJSON(s.appOwner()),
		Name:        github.String(s.opts.AppSlug),
		Description: github.String("simulated GitHub App"),
		ExternalURL: github.String("https://example.com"),
		HTMLURL:     github.String(webURL + "/apps/" + s.opts.AppSlug),
		CreatedAt:   ts(time.Unix(1700000000, 0)),
		UpdatedAt:   ts(time.Unix(1700000000, 0)),
		Permissions: permissions(),
		Events:      []string{"issue_comment", "issues", "pull_request", "pull_request_review", "pull_request_review_comment"},
	}
}

// appOwner is the account of the lowest installation, or the app's slug.
func (s *Server) appOwner() string {
	ids := make([]int64, 0, len(s.st.installations))
	for id := range s.st.installations {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return s.opts.AppSlug + "-owner"
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return s.st.installations[ids[0]].account
}

func ptr[T any](v T) *T { return &v }
