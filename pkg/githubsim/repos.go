package githubsim

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/google/go-github/v60/github"
)

// rawPrefix serves file downloads, standing in for raw.githubusercontent.com:
// go-github's DownloadContents follows download_url, so it must point here.
const rawPrefix = "/_raw/"

func (s *Server) getRepo(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	out := s.repoJSON(r)
	out.Permissions = map[string]bool{"admin": false, "maintain": false, "push": false, "triage": false, "pull": true}
	return ok(out)
}

// refIsDefault reports whether ref names the default branch; the simulator
// keeps files at the default branch only.
func refIsDefault(r *repo, ref string) bool {
	switch ref {
	case "", r.defaultBranch, "heads/" + r.defaultBranch, "refs/heads/" + r.defaultBranch:
		return true
	}
	return false
}

func blobSHA(content string) string {
	h := sha1.New()
	_, _ = fmt.Fprintf(h, "blob %d\x00%s", len(content), content)
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Server) contentEntry(r *repo, path, typ string) *github.RepositoryContent {
	name := path[strings.LastIndex(path, "/")+1:]
	escaped := escapePath(path)
	e := &github.RepositoryContent{
		Type:    github.String(typ),
		Name:    github.String(name),
		Path:    github.String(path),
		URL:     github.String(s.apiURL("/repos/%s/contents/%s?ref=%s", r.fullName(), escaped, r.defaultBranch)),
		HTMLURL: github.String(fmt.Sprintf("%s/%s/%s/%s/%s", webURL, r.fullName(), map[string]string{"file": "blob", "dir": "tree"}[typ], r.defaultBranch, escaped)),
	}
	if typ == "file" {
		content := r.files[path]
		sha := blobSHA(content)
		e.SHA = github.String(sha)
		e.Size = github.Int(len(content))
		e.GitURL = github.String(s.apiURL("/repos/%s/git/blobs/%s", r.fullName(), sha))
		e.DownloadURL = github.String(s.url + rawPrefix + r.fullName() + "/" + r.defaultBranch + "/" + escaped)
	} else {
		e.SHA = github.String(fakeSHA(r.fullName(), "tree", path))
		e.Size = github.Int(0)
		e.GitURL = github.String(s.apiURL("/repos/%s/git/trees/%s", r.fullName(), *e.SHA))
	}
	return e
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		parts[i] = url.PathEscape(part)
	}
	return strings.Join(parts, "/")
}

func (s *Server) getContent(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	if ref := c.query.Get("ref"); !refIsDefault(r, ref) {
		return errorReply(http.StatusNotFound, "No commit found for the ref "+ref, "https://docs.github.com/rest/repos/contents#get-repository-content")
	}
	path := strings.Trim(c.params["path"], "/")
	if content, found := r.files[path]; found {
		e := s.contentEntry(r, path, "file")
		e.Encoding = github.String("base64")
		e.Content = github.String(wrap60(base64.StdEncoding.EncodeToString([]byte(content))))
		return ok(e)
	}
	// A directory: its immediate children, directories first as GitHub
	// lists them alphabetically by name regardless of type.
	prefix := ""
	if path != "" {
		prefix = path + "/"
	}
	children := map[string]string{}
	for p := range r.files {
		rest, found := strings.CutPrefix(p, prefix)
		if !found {
			continue
		}
		if dir, _, isDir := strings.Cut(rest, "/"); isDir {
			children[prefix+dir] = "dir"
		} else {
			children[p] = "file"
		}
	}
	if len(children) == 0 && path != "" {
		return errorReply(http.StatusNotFound, "Not Found", "https://docs.github.com/rest/repos/contents#get-repository-content")
	}
	out := make([]*github.RepositoryContent, 0, len(children))
	for _, p := range sortedKeys(children) {
		out = append(out, s.contentEntry(r, p, children[p]))
	}
	return ok(out)
}

// wrap60 breaks base64 into lines of 60 characters, each ending in a
// newline, as the contents API returns it.
func wrap60(b64 string) string {
	var sb strings.Builder
	for len(b64) > 60 {
		sb.WriteString(b64[:60])
		sb.WriteByte('\n')
		b64 = b64[60:]
	}
	sb.WriteString(b64)
	sb.WriteByte('\n')
	return sb.String()
}

// serveRaw answers download_url requests: /_raw/{owner}/{repo}/{ref}/{path}.
// Private repositories need a token that can see them.
func (s *Server) serveRaw(w http.ResponseWriter, r *http.Request, rec Request) {
	s.mu.Lock()
	rec.Time = s.now()
	rec.Route = "raw.githubusercontent.com"
	status, content := s.raw(r)
	rec.Status = status
	s.requests = append(s.requests, rec)
	s.mu.Unlock()

	if status != http.StatusOK {
		http.Error(w, "404: Not Found", status)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(content))
}

func (s *Server) raw(r *http.Request) (int, string) {
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), rawPrefix), "/")
	if len(segs) < 4 || r.Method != http.MethodGet {
		return http.StatusNotFound, ""
	}
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil {
			return http.StatusNotFound, ""
		}
		segs[i] = u
	}
	rp := s.st.repo(segs[0] + "/" + segs[1])
	if rp == nil || !refIsDefault(rp, segs[2]) {
		return http.StatusNotFound, ""
	}
	if rp.private {
		id, err := s.authenticate(r)
		if err != nil || id.inst == nil || !s.canSee(id.inst, rp) {
			return http.StatusNotFound, ""
		}
	}
	content, found := rp.files[strings.Join(segs[3:], "/")]
	if !found {
		return http.StatusNotFound, ""
	}
	return http.StatusOK, content
}

func (s *Server) listCommits(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	if sha := c.query.Get("sha"); !refIsDefault(r, sha) {
		found := false
		for _, cm := range r.commits {
			if cm.SHA == sha {
				found = true
			}
		}
		if !found {
			return errorReply(http.StatusNotFound, "Not Found", "https://docs.github.com/rest/commits/commits#list-commits")
		}
	}
	since, rp := parseTimeParam(c, "since")
	if rp != nil {
		return *rp
	}
	until, rp := parseTimeParam(c, "until")
	if rp != nil {
		return *rp
	}
	path := strings.Trim(c.query.Get("path"), "/")
	author := c.query.Get("author")
	committer := c.query.Get("committer")
	var matches []Commit
	for _, cm := range r.commits {
		if !since.IsZero() && cm.Date.Before(since) {
			continue
		}
		if !until.IsZero() && cm.Date.After(until) {
			continue
		}
		if author != "" && !s.commitBy(cm, author) {
			continue
		}
		if committer != "" && !s.commitBy(cm, committer) {
			continue
		}
		if path != "" && !touches(cm, path) {
			continue
		}
		matches = append(matches, cm)
	}
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].Date.After(matches[j].Date) })
	out := []*github.RepositoryCommit{}
	for _, cm := range paginate(c, matches) {
		out = append(out, s.commitJSON(r, cm, false))
	}
	return ok(out)
}

// commitBy matches the commits API's author filter: a login or an e-mail.
func (s *Server) commitBy(cm Commit, who string) bool {
	if strings.EqualFold(cm.Author, who) {
		return true
	}
	u := s.st.lookupUser(cm.Author)
	return u != nil && strings.EqualFold(fmt.Sprintf("%d+%s@users.noreply.github.com", u.id, u.login), who)
}

func touches(cm Commit, path string) bool {
	for _, f := range cm.Files {
		f = strings.Trim(f, "/")
		if f == path || strings.HasPrefix(f, path+"/") {
			return true
		}
	}
	return false
}

func (s *Server) getCommit(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	ref := c.params["ref"]
	var found *Commit
	if refIsDefault(r, ref) {
		for i := range r.commits {
			if found == nil || r.commits[i].Date.After(found.Date) {
				found = &r.commits[i]
			}
		}
	} else {
		for i := range r.commits {
			if len(ref) >= 7 && strings.HasPrefix(r.commits[i].SHA, ref) {
				found = &r.commits[i]
			}
		}
		for _, is := range r.issues {
			for i := range is.Commits {
				if len(ref) >= 7 && strings.HasPrefix(is.Commits[i].SHA, ref) {
					found = &is.Commits[i]
				}
			}
		}
	}
	if found == nil {
		return validationFailed("No commit found for SHA: " + ref)
	}
	return ok(s.commitJSON(r, *found, true))
}

func (s *Server) knownUser(login string) *user { return s.st.lookupUser(login) }

func (s *Server) checkCollaborator(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	if s.knownUser(c.params["username"]) == nil || s.permission(r, c.params["username"]) == "" {
		return notFound()
	}
	return noContent()
}

// legacyPermission maps a role to the permission field GitHub still sends
// next to role_name.
func legacyPermission(role string) string {
	switch role {
	case PermAdmin:
		return "admin"
	case PermMaintain, PermWrite:
		return "write"
	case PermTriage, PermRead:
		return "read"
	}
	return "none"
}

func (s *Server) getPermission(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	u := s.knownUser(c.params["username"])
	if u == nil || u.typ == "Organization" {
		return errorReply(http.StatusNotFound, "Not Found", "https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user")
	}
	role := s.permission(r, u.login)
	if role == "" && !r.private {
		role = PermRead
	}
	roleName := role
	if roleName == "" {
		roleName = "none"
	}
	usr := s.userJSON(u.login)
	usr.RoleName = github.String(roleName)
	return ok(map[string]any{"permission": legacyPermission(role), "role_name": roleName, "user": usr})
}

func (s *Server) listCollaborators(c *call) reply {
	r, rp := c.repo()
	if rp != nil {
		return *rp
	}
	logins := map[string]string{}
	if s.st.orgs[strings.ToLower(r.owner)] == nil {
		logins[r.owner] = PermAdmin
	} else {
		for m := range s.st.orgs[strings.ToLower(r.owner)].members {
			logins[s.st.lookupUser(m).login] = PermRead
		}
	}
	for l, p := range r.collaborators {
		logins[s.st.lookupUser(l).login] = p
	}
	var all []*github.User
	for _, l := range sortedKeys(logins) {
		u := s.userJSON(l)
		role := s.permission(r, l)
		u.RoleName = github.String(role)
		u.Permissions = map[string]bool{
			"admin":    role == PermAdmin,
			"maintain": role == PermAdmin || role == PermMaintain,
			"push":     role == PermAdmin || role == PermMaintain || role == PermWrite,
			"triage":   role != PermRead,
			"pull":     true,
		}
		all = append(all, u)
	}
	out := paginate(c, all)
	return ok(out)
}
