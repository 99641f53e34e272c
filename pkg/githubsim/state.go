package githubsim

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Permissions a collaborator may have, weakest first.
const (
	PermRead     = "read"
	PermTriage   = "triage"
	PermWrite    = "write"
	PermMaintain = "maintain"
	PermAdmin    = "admin"
)

// Author associations, as GitHub reports them.
const (
	AssocOwner                = "OWNER"
	AssocMember               = "MEMBER"
	AssocCollaborator         = "COLLABORATOR"
	AssocContributor          = "CONTRIBUTOR"
	AssocFirstTimeContributor = "FIRST_TIME_CONTRIBUTOR"
	AssocFirstTimer           = "FIRST_TIMER"
	AssocNone                 = "NONE"
)

// DefaultLabelColor is the colour GitHub gives labels created implicitly,
// e.g. by adding a label that does not exist yet to an issue.
const DefaultLabelColor = "ededed"

// RepoOptions describe a repository for AddRepo.
type RepoOptions struct {
	Private     bool
	Description string
	// DefaultBranch defaults to "main".
	DefaultBranch string
	// Collaborators maps logins to a permission (PermRead ... PermAdmin).
	Collaborators map[string]string
	// Files at the default branch: path → content.
	Files  map[string]string
	Labels []Label
}

// Label is a repository label.
type Label struct {
	Name        string
	Color       string // six hex digits, no '#'; default DefaultLabelColor
	Description string
}

// Issue is an issue, or the issue half of a pull request.
type Issue struct {
	Number      int   // assigned by AddIssue/AddPull
	ID          int64 // assigned
	Title, Body string
	User        string
	State       string // "open" (default) or "closed"
	StateReason string
	Labels      []string
	Assignees   []string
	// CreatedAt defaults to the clock; UpdatedAt to CreatedAt; ClosedAt to
	// UpdatedAt for closed issues.
	CreatedAt, UpdatedAt, ClosedAt time.Time
	ClosedBy                       string
	Locked                         bool
	// AuthorAssociation is computed like GitHub when empty.
	AuthorAssociation string
	// Events is the issue's event log (see IssueEvent), oldest first. Seed
	// it to describe history; the simulator appends what its own changes
	// imply.
	Events []IssueEvent
}

// Pull is a pull request. It shares the repository's number sequence with
// issues.
type Pull struct {
	Issue
	Draft    bool
	Merged   bool
	MergedAt time.Time // defaults to ClosedAt when Merged
	MergedBy string
	// Head is the head branch (default "patch-<number>"), in the author's
	// fork; HeadSHA defaults to the last commit's SHA or a derived one.
	Head, HeadSHA string
	// Base defaults to the repository's default branch.
	Base               string
	Files              []PullFile
	Commits            []Commit
	Reviews            []Review
	ReviewComments     []ReviewComment
	RequestedReviewers []string
	RequestedTeams     []string // team slugs in the owner org
}

// PullFile is a file changed by a pull request.
type PullFile struct {
	Filename  string
	Status    string // added, removed, modified (default), renamed
	Additions int
	Deletions int
	Patch     string
}

// Commit is a commit, in a repository's history or in a pull request.
type Commit struct {
	SHA     string // derived when empty
	Author  string // login
	Message string
	Date    time.Time // author and committer date; default the clock
	Files   []string  // paths touched, for the commits API's path filter
}

// Review is a pull request review.
type Review struct {
	ID          int64 // assigned
	User        string
	State       string // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
	Body        string
	CommitID    string
	SubmittedAt time.Time
}

// ReviewComment is a comment on a pull request's diff.
type ReviewComment struct {
	ID        int64 // assigned
	User      string
	Body      string
	Path      string
	Line      int
	CommitID  string
	InReplyTo int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Comment is an issue (or pull request conversation) comment.
type Comment struct {
	ID                int64
	Issue             int
	User              string
	Body              string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	AuthorAssociation string // computed like GitHub when empty
}

type user struct {
	id         int64
	login      string
	typ        string // User, Bot, Organization
	firstTimer bool
}

type org struct {
	login   string
	members map[string]bool
	teams   map[string]*team
}

type team struct {
	id      int64
	slug    string
	members []string
}

type installation struct {
	id      int64
	account string
	repos   []string // full names; empty means all the account's repos
}

type labelRec struct {
	id int64
	Label
}

type issueRec struct {
	Pull
	isPR       bool
	assocFixed bool
}

type commentRec struct {
	Comment
	assocFixed bool
}

type repo struct {
	id            int64
	owner, name   string
	private       bool
	description   string
	defaultBranch string
	createdAt     time.Time
	collaborators map[string]string
	files         map[string]string
	labels        []*labelRec
	issues        map[int]*issueRec
	nextNumber    int
	comments      []*commentRec
	commits       []Commit
}

func (r *repo) fullName() string { return r.owner + "/" + r.name }

type state struct {
	nextID        int64
	users         map[string]*user
	orgs          map[string]*org
	repos         map[string]*repo // by lower-case full name
	installations map[int64]*installation
}

func newState(slug string) *state {
	st := &state{
		nextID:        1000,
		users:         map[string]*user{},
		orgs:          map[string]*org{},
		repos:         map[string]*repo{},
		installations: map[int64]*installation{},
	}
	st.user(slug+"[bot]", "Bot")
	return st
}

func (st *state) id() int64 {
	st.nextID++
	return st.nextID
}

// user returns the user with login, creating it (type typ) when unknown.
func (st *state) user(login, typ string) *user {
	key := strings.ToLower(login)
	if u, ok := st.users[key]; ok {
		return u
	}
	if typ == "" {
		typ = "User"
		if strings.HasSuffix(login, "[bot]") {
			typ = "Bot"
		}
	}
	u := &user{id: st.id(), login: login, typ: typ}
	st.users[key] = u
	return u
}

func (st *state) lookupUser(login string) *user { return st.users[strings.ToLower(login)] }

func (st *state) repo(fullName string) *repo { return st.repos[strings.ToLower(fullName)] }

func (s *Server) mustRepo(fullName string) *repo {
	r := s.st.repo(fullName)
	if r == nil {
		panic(fmt.Sprintf("githubsim: unknown repository %q: AddRepo it first", fullName))
	}
	return r
}

// AddUser adds a user or bot (typ "User" or "Bot") and returns its ID.
// Logins that seeding refers to are added as users automatically.
func (s *Server) AddUser(login, typ string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.user(login, typ).id
}

// SetFirstTimer marks login as never having contributed anywhere on GitHub:
// its first pull requests get author_association FIRST_TIMER.
func (s *Server) SetFirstTimer(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.user(login, "").firstTimer = true
}

// AddOrg adds an organisation with members (or adds members to it).
func (s *Server) AddOrg(login string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.org(login)
	for _, m := range members {
		s.st.user(m, "")
		o.members[strings.ToLower(m)] = true
	}
}

func (st *state) org(login string) *org {
	key := strings.ToLower(login)
	if o, ok := st.orgs[key]; ok {
		return o
	}
	st.user(login, "Organization")
	o := &org{login: login, members: map[string]bool{}, teams: map[string]*team{}}
	st.orgs[key] = o
	return o
}

// AddTeam adds a team to org (created if needed) with members, who also
// become org members.
func (s *Server) AddTeam(orgLogin, slug string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.org(orgLogin)
	t, ok := o.teams[strings.ToLower(slug)]
	if !ok {
		t = &team{id: s.st.id(), slug: slug}
		o.teams[strings.ToLower(slug)] = t
	}
	for _, m := range members {
		s.st.user(m, "")
		o.members[strings.ToLower(m)] = true
		t.members = append(t.members, m)
	}
}

// AddRepo adds a repository "owner/name" and returns its ID. The owner is a
// user unless AddOrg made it an organisation.
func (s *Server) AddRepo(fullName string, opts RepoOptions) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner, name, ok := strings.Cut(fullName, "/")
	if !ok || owner == "" || name == "" {
		panic(fmt.Sprintf("githubsim: repository %q is not owner/name", fullName))
	}
	if s.st.orgs[strings.ToLower(owner)] == nil {
		s.st.user(owner, "")
	}
	r := &repo{
		id:            s.st.id(),
		owner:         owner,
		name:          name,
		private:       opts.Private,
		description:   opts.Description,
		defaultBranch: opts.DefaultBranch,
		createdAt:     s.now(),
		collaborators: map[string]string{},
		files:         map[string]string{},
		issues:        map[int]*issueRec{},
		nextNumber:    1,
	}
	if r.defaultBranch == "" {
		r.defaultBranch = "main"
	}
	for login, perm := range opts.Collaborators {
		s.st.user(login, "")
		r.collaborators[strings.ToLower(login)] = perm
	}
	for p, c := range opts.Files {
		r.files[strings.TrimPrefix(p, "/")] = c
	}
	for _, l := range opts.Labels {
		s.addLabel(r, l)
	}
	s.st.repos[strings.ToLower(fullName)] = r
	return r.id
}

// AddCollaborator gives login a permission on a repository.
func (s *Server) AddCollaborator(repoName, login, permission string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	s.st.user(login, "")
	r.collaborators[strings.ToLower(login)] = permission
}

// AddInstallation installs the app on account for the given repositories
// (full names); with none, for all of the account's repositories, present
// and future.
func (s *Server) AddInstallation(id int64, account string, repos ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.orgs[strings.ToLower(account)] == nil {
		s.st.user(account, "")
	}
	s.st.installations[id] = &installation{id: id, account: account, repos: append([]string(nil), repos...)}
}

// PutFile writes a file at the repository's default branch.
func (s *Server) PutFile(repoName, path, content string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustRepo(repoName).files[strings.TrimPrefix(path, "/")] = content
}

// DeleteFile removes a file from the repository's default branch.
func (s *Server) DeleteFile(repoName, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.mustRepo(repoName).files, strings.TrimPrefix(path, "/"))
}

// AddLabel adds a label to a repository (no-op if it exists).
func (s *Server) AddLabel(repoName string, l Label) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addLabel(s.mustRepo(repoName), l)
}

func (s *Server) addLabel(r *repo, l Label) *labelRec {
	if ex := r.label(l.Name); ex != nil {
		return ex
	}
	if l.Color == "" {
		l.Color = DefaultLabelColor
	}
	rec := &labelRec{id: s.st.id(), Label: l}
	r.labels = append(r.labels, rec)
	return rec
}

// label finds a label by name, case-insensitively as GitHub does.
func (r *repo) label(name string) *labelRec {
	for _, l := range r.labels {
		if strings.EqualFold(l.Name, name) {
			return l
		}
	}
	return nil
}

// AddIssue adds an issue and returns its number.
func (s *Server) AddIssue(repoName string, is Issue) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addIssue(s.mustRepo(repoName), Pull{Issue: is}, false).Number
}

// AddPull adds a pull request and returns its number.
func (s *Server) AddPull(repoName string, p Pull) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addIssue(s.mustRepo(repoName), p, true).Number
}

func (s *Server) addIssue(r *repo, p Pull, isPR bool) *issueRec {
	now := s.now()
	p.Number = r.nextNumber
	r.nextNumber++
	p.ID = s.st.id()
	if p.User == "" {
		panic("githubsim: an issue needs a User")
	}
	s.st.user(p.User, "")
	if p.State == "" {
		p.State = "open"
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.CreatedAt
	}
	if p.State == "closed" && p.ClosedAt.IsZero() {
		p.ClosedAt = p.UpdatedAt
	}
	if p.ClosedAt.After(p.UpdatedAt) {
		p.UpdatedAt = p.ClosedAt
	}
	labels := p.Labels
	p.Labels = nil
	for _, name := range labels {
		p.Labels = append(p.Labels, s.addLabel(r, Label{Name: name}).Name)
	}
	p.Labels = dedupFold(p.Labels)
	p.Assignees = dedupFold(p.Assignees)
	for _, a := range p.Assignees {
		s.st.user(a, "")
	}
	if isPR {
		s.fillPull(r, &p)
	}
	rec := &issueRec{Pull: p, isPR: isPR, assocFixed: p.AuthorAssociation != ""}
	s.seedEvents(rec)
	r.issues[p.Number] = rec
	return rec
}

func (s *Server) fillPull(r *repo, p *Pull) {
	if p.Head == "" {
		p.Head = fmt.Sprintf("patch-%d", p.Number)
	}
	if p.Base == "" {
		p.Base = r.defaultBranch
	}
	for i := range p.Commits {
		s.fillCommit(r, &p.Commits[i], p.User)
	}
	if p.HeadSHA == "" {
		if n := len(p.Commits); n > 0 {
			p.HeadSHA = p.Commits[n-1].SHA
		} else {
			p.HeadSHA = fakeSHA(r.fullName(), "pull", p.Number, p.Head)
		}
	}
	if p.Merged && p.MergedAt.IsZero() {
		p.MergedAt = p.ClosedAt
		if p.MergedAt.IsZero() {
			p.MergedAt = p.UpdatedAt
		}
	}
	if p.Merged {
		p.State = "closed"
		if p.ClosedAt.IsZero() {
			p.ClosedAt = p.MergedAt
		}
	}
	if p.MergedAt.After(p.UpdatedAt) {
		p.UpdatedAt = p.MergedAt
	}
	for i := range p.Files {
		if p.Files[i].Status == "" {
			p.Files[i].Status = "modified"
		}
	}
	for i := range p.Reviews {
		s.fillReview(p, &p.Reviews[i])
	}
	for i := range p.ReviewComments {
		s.fillReviewComment(p, &p.ReviewComments[i])
	}
	for _, u := range p.RequestedReviewers {
		s.st.user(u, "")
	}
	if p.MergedBy != "" {
		s.st.user(p.MergedBy, "")
	}
}

func (s *Server) fillCommit(r *repo, c *Commit, defaultAuthor string) {
	if c.Author == "" {
		c.Author = defaultAuthor
	}
	s.st.user(c.Author, "")
	if c.Date.IsZero() {
		c.Date = s.now()
	}
	if c.SHA == "" {
		c.SHA = fakeSHA(r.fullName(), c.Author, c.Message, c.Date.UnixNano(), s.st.id())
	}
}

func (s *Server) fillReview(p *Pull, rv *Review) {
	if rv.ID == 0 {
		rv.ID = s.st.id()
	}
	s.st.user(rv.User, "")
	if rv.State == "" {
		rv.State = "COMMENTED"
	}
	if rv.SubmittedAt.IsZero() {
		rv.SubmittedAt = s.now()
	}
	if rv.CommitID == "" {
		rv.CommitID = p.HeadSHA
	}
}

func (s *Server) fillReviewComment(p *Pull, rc *ReviewComment) {
	if rc.ID == 0 {
		rc.ID = s.st.id()
	}
	s.st.user(rc.User, "")
	if rc.CreatedAt.IsZero() {
		rc.CreatedAt = s.now()
	}
	if rc.UpdatedAt.IsZero() {
		rc.UpdatedAt = rc.CreatedAt
	}
	if rc.CommitID == "" {
		rc.CommitID = p.HeadSHA
	}
}

// fakeSHA derives a stable 40-hex-digit SHA from its inputs.
func fakeSHA(parts ...any) string {
	h := sha1.New()
	_, _ = fmt.Fprint(h, parts...)
	return hex.EncodeToString(h.Sum(nil))
}

// AddComment adds an issue comment by user at the given time (zero: the
// clock) and returns its ID.
func (s *Server) AddComment(repoName string, number int, user, body string, at time.Time) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	is := s.mustIssue(r, number)
	if at.IsZero() {
		at = s.now()
	}
	c := s.addComment(r, is, user, body, at)
	return c.ID
}

func (s *Server) addComment(r *repo, is *issueRec, login, body string, at time.Time) *commentRec {
	s.st.user(login, "")
	c := &commentRec{Comment: Comment{ID: s.st.id(), Issue: is.Number, User: login, Body: body, CreatedAt: at, UpdatedAt: at}}
	r.comments = append(r.comments, c)
	return c
}

func (s *Server) mustIssue(r *repo, number int) *issueRec {
	is := r.issues[number]
	if is == nil {
		panic(fmt.Sprintf("githubsim: %s#%d does not exist", r.fullName(), number))
	}
	return is
}

func (s *Server) mustPull(r *repo, number int) *issueRec {
	is := s.mustIssue(r, number)
	if !is.isPR {
		panic(fmt.Sprintf("githubsim: %s#%d is an issue, not a pull request", r.fullName(), number))
	}
	return is
}

// AddReview adds a review to a pull request and returns its ID.
func (s *Server) AddReview(repoName string, number int, rv Review) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.mustPull(s.mustRepo(repoName), number)
	s.fillReview(&is.Pull, &rv)
	is.Reviews = append(is.Reviews, rv)
	// A review by a requested reviewer fulfils the request, as on GitHub.
	is.RequestedReviewers = removeFold(is.RequestedReviewers, rv.User)
	return rv.ID
}

// AddReviewComment adds a review comment to a pull request and returns its ID.
func (s *Server) AddReviewComment(repoName string, number int, rc ReviewComment) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.mustPull(s.mustRepo(repoName), number)
	s.fillReviewComment(&is.Pull, &rc)
	is.ReviewComments = append(is.ReviewComments, rc)
	return rc.ID
}

// AddPullCommit pushes a commit to a pull request's head branch; it becomes
// the head SHA and updated_at moves to the commit's date.
func (s *Server) AddPullCommit(repoName string, number int, c Commit) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	is := s.mustPull(r, number)
	s.fillCommit(r, &c, is.User)
	is.Commits = append(is.Commits, c)
	is.HeadSHA = c.SHA
	is.UpdatedAt = c.Date
	return c.SHA
}

// AddCommit adds a commit to the default branch's history (newest last is
// not required: the commits API sorts by date) and returns its SHA.
func (s *Server) AddCommit(repoName string, c Commit) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	s.fillCommit(r, &c, "")
	c.Files = append([]string(nil), c.Files...)
	r.commits = append(r.commits, c)
	return c.SHA
}

// UpdateIssue changes an issue or pull request in place (for tests that
// simulate what people do), e.g. closing it.
func (s *Server) UpdateIssue(repoName string, number int, f func(*Issue)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.mustIssue(s.mustRepo(repoName), number)
	before := is.Pull
	before.Issue = copyIssue(is.Issue)
	f(&is.Issue)
	is.assocFixed = is.assocFixed || is.AuthorAssociation != ""
	s.changeEvents(is, before)
}

// UpdatePull changes a pull request in place, e.g. merging it or marking it
// ready for review.
func (s *Server) UpdatePull(repoName string, number int, f func(*Pull)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(repoName)
	is := s.mustPull(r, number)
	before := is.Pull
	before.Issue = copyIssue(is.Issue)
	before.RequestedReviewers = append([]string(nil), is.RequestedReviewers...)
	f(&is.Pull)
	s.fillPull(r, &is.Pull)
	s.changeEvents(is, before)
}

// Issue returns a copy of an issue (or a pull request's issue half) with
// its author association computed.
func (s *Server) Issue(repoName string, number int) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.st.repo(repoName)
	if r == nil || r.issues[number] == nil {
		return Issue{}, false
	}
	is := r.issues[number]
	out := copyIssue(is.Issue)
	out.AuthorAssociation = s.issueAssoc(r, is)
	return out, true
}

// Pull returns a copy of a pull request.
func (s *Server) Pull(repoName string, number int) (Pull, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.st.repo(repoName)
	if r == nil || r.issues[number] == nil || !r.issues[number].isPR {
		return Pull{}, false
	}
	is := r.issues[number]
	p := is.Pull
	p.Issue = copyIssue(p.Issue)
	p.Issue.AuthorAssociation = s.issueAssoc(r, is)
	p.Files = append([]PullFile(nil), p.Files...)
	p.Commits = append([]Commit(nil), p.Commits...)
	p.Reviews = append([]Review(nil), p.Reviews...)
	p.ReviewComments = append([]ReviewComment(nil), p.ReviewComments...)
	p.RequestedReviewers = append([]string(nil), p.RequestedReviewers...)
	p.RequestedTeams = append([]string(nil), p.RequestedTeams...)
	return p, true
}

func copyIssue(is Issue) Issue {
	is.Labels = append([]string(nil), is.Labels...)
	is.Assignees = append([]string(nil), is.Assignees...)
	is.Events = append([]IssueEvent(nil), is.Events...)
	return is
}

// Comments returns copies of an issue's comments, oldest first.
func (s *Server) Comments(repoName string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.st.repo(repoName)
	if r == nil {
		return nil
	}
	var out []Comment
	for _, c := range r.comments {
		if c.Issue == number {
			cc := c.Comment
			cc.AuthorAssociation = s.commentAssoc(r, c)
			out = append(out, cc)
		}
	}
	return out
}

// Labels returns a repository's labels in creation order.
func (s *Server) Labels(repoName string) []Label {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.st.repo(repoName)
	if r == nil {
		return nil
	}
	out := make([]Label, 0, len(r.labels))
	for _, l := range r.labels {
		out = append(out, l.Label)
	}
	return out
}

// File returns the content of a file at the default branch.
func (s *Server) File(repoName, path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.st.repo(repoName)
	if r == nil {
		return "", false
	}
	c, ok := r.files[strings.TrimPrefix(path, "/")]
	return c, ok
}

func (s *Server) issueAssoc(r *repo, is *issueRec) string {
	if is.assocFixed {
		return is.AuthorAssociation
	}
	return s.association(r, is.User)
}

func (s *Server) commentAssoc(r *repo, c *commentRec) string {
	if c.assocFixed {
		return c.AuthorAssociation
	}
	return s.association(r, c.User)
}

// association computes author_association of login in r like GitHub.
func (s *Server) association(r *repo, login string) string {
	if strings.EqualFold(login, r.owner) {
		return AssocOwner
	}
	if o := s.st.orgs[strings.ToLower(r.owner)]; o != nil && o.members[strings.ToLower(login)] {
		return AssocMember
	}
	if _, ok := r.collaborators[strings.ToLower(login)]; ok {
		return AssocCollaborator
	}
	opened := false
	for _, is := range r.issues {
		if !is.isPR || !strings.EqualFold(is.User, login) {
			continue
		}
		opened = true
		if is.Merged {
			return AssocContributor
		}
	}
	for _, c := range r.commits {
		if strings.EqualFold(c.Author, login) {
			return AssocContributor
		}
	}
	if opened {
		if u := s.st.lookupUser(login); u != nil && u.firstTimer {
			return AssocFirstTimer
		}
		return AssocFirstTimeContributor
	}
	return AssocNone
}

// isMember reports whether login is a member of the organisation owning r.
func (s *Server) isMember(orgLogin, login string) bool {
	o := s.st.orgs[strings.ToLower(orgLogin)]
	return o != nil && o.members[strings.ToLower(login)]
}

// permission returns login's effective permission on r: "" for none.
// Org members get read access (the default base permission).
func (s *Server) permission(r *repo, login string) string {
	if strings.EqualFold(login, r.owner) {
		return PermAdmin
	}
	if p, ok := r.collaborators[strings.ToLower(login)]; ok {
		return p
	}
	if s.isMember(r.owner, login) {
		return PermRead
	}
	return ""
}

// installationRepos lists the repositories an installation can see.
func (s *Server) installationRepos(inst *installation) []*repo {
	var out []*repo
	if len(inst.repos) == 0 {
		for _, r := range s.st.repos {
			if strings.EqualFold(r.owner, inst.account) {
				out = append(out, r)
			}
		}
	} else {
		for _, name := range inst.repos {
			if r := s.st.repo(name); r != nil {
				out = append(out, r)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (s *Server) canSee(inst *installation, r *repo) bool {
	if !strings.EqualFold(r.owner, inst.account) {
		return false
	}
	if len(inst.repos) == 0 {
		return true
	}
	for _, name := range inst.repos {
		if strings.EqualFold(name, r.fullName()) {
			return true
		}
	}
	return false
}

// installationFor finds the installation that covers a repository.
func (s *Server) installationFor(r *repo) *installation {
	ids := make([]int64, 0, len(s.st.installations))
	for id := range s.st.installations {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if inst := s.st.installations[id]; s.canSee(inst, r) {
			return inst
		}
	}
	return nil
}

func dedupFold(in []string) []string {
	var out []string
	for _, v := range in {
		if !containsFold(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func removeFold(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if !strings.EqualFold(x, v) {
			out = append(out, x)
		}
	}
	return out
}
