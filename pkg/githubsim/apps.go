package githubsim

import (
	"net/http"
	"sort"
	"strings"

	"github.com/google/go-github/v60/github"
)

func (s *Server) getApp(c *call) reply { return ok(s.appJSON()) }

func (s *Server) sortedInstallations() []*installation {
	out := make([]*installation, 0, len(s.st.installations))
	for _, inst := range s.st.installations {
		out = append(out, inst)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (s *Server) listInstallations(c *call) reply {
	var out []*github.Installation
	for _, inst := range paginate(c, s.sortedInstallations()) {
		out = append(out, s.installationJSON(inst))
	}
	if out == nil {
		out = []*github.Installation{}
	}
	return ok(out)
}

func (s *Server) getInstallation(c *call) reply {
	id, rp := c.int64Param("installation_id")
	if rp != nil {
		return *rp
	}
	inst := s.st.installations[id]
	if inst == nil {
		return notFound()
	}
	return ok(s.installationJSON(inst))
}

func (s *Server) createToken(c *call) reply {
	id, rp := c.int64Param("installation_id")
	if rp != nil {
		return *rp
	}
	var req struct {
		Repositories  []string          `json:"repositories"`
		RepositoryIDs []int64           `json:"repository_ids"`
		Permissions   map[string]string `json:"permissions"`
	}
	if rp := decodeBody(c, &req, true); rp != nil {
		return *rp
	}
	inst := s.st.installations[id]
	if inst == nil {
		return notFound()
	}
	t := s.newToken(id)
	// A token asked for specific repositories sees only those.
	if len(req.Repositories) > 0 || len(req.RepositoryIDs) > 0 {
		var names []string
		for _, r := range s.installationRepos(inst) {
			for _, name := range req.Repositories {
				if strings.EqualFold(name, r.name) {
					names = append(names, r.fullName())
				}
			}
			for _, rid := range req.RepositoryIDs {
				if rid == r.id {
					names = append(names, r.fullName())
				}
			}
		}
		if len(names) == 0 {
			return validationFailed("There is at least one repository that does not exist or is not accessible to the parent installation.")
		}
		t.repos = names
	}
	sel := "all"
	if len(inst.repos) > 0 || len(t.repos) > 0 {
		sel = "selected"
	}
	return created(map[string]any{
		"token":                t.value,
		"expires_at":           ts(t.expiresAt),
		"permissions":          permissions(),
		"repository_selection": sel,
	})
}

func (s *Server) getRepoInstallation(c *call) reply {
	r := s.st.repo(c.params["owner"] + "/" + c.params["repo"])
	if r == nil {
		return notFound()
	}
	inst := s.installationFor(r)
	if inst == nil {
		return notFound()
	}
	return ok(s.installationJSON(inst))
}

func (s *Server) accountInstallation(account string) reply {
	for _, inst := range s.sortedInstallations() {
		if strings.EqualFold(inst.account, account) {
			return ok(s.installationJSON(inst))
		}
	}
	return notFound()
}

func (s *Server) getOrgInstallation(c *call) reply {
	if s.st.orgs[strings.ToLower(c.params["org"])] == nil {
		return notFound()
	}
	return s.accountInstallation(c.params["org"])
}

func (s *Server) getUserInstallation(c *call) reply {
	return s.accountInstallation(c.params["username"])
}

func (s *Server) listInstallationRepos(c *call) reply {
	all := s.installationRepos(c.inst)
	var out []*github.Repository
	for _, r := range paginate(c, all) {
		out = append(out, s.repoJSON(r))
	}
	if out == nil {
		out = []*github.Repository{}
	}
	sel := "all"
	if len(c.inst.repos) > 0 {
		sel = "selected"
	}
	return ok(map[string]any{"total_count": len(all), "repository_selection": sel, "repositories": out})
}

func (s *Server) getRateLimit(c *call) reply {
	id := identity{inst: c.inst, app: c.app}
	core := s.bucketFor(id, "core").rateJSON()
	search := s.bucketFor(id, "search").rateJSON()
	return ok(map[string]any{
		"resources": map[string]any{"core": core, "search": search},
		"rate":      core,
	})
}

func (s *Server) convertManifest(c *call) reply {
	code := c.params["code"]
	if !s.manifest[code] {
		return notFound()
	}
	delete(s.manifest, code)
	app := s.appJSON()
	return reply{status: http.StatusCreated, body: map[string]any{
		"id":             app.ID,
		"slug":           app.Slug,
		"node_id":        app.NodeID,
		"owner":          app.Owner,
		"name":           app.Name,
		"description":    app.Description,
		"external_url":   app.ExternalURL,
		"html_url":       app.HTMLURL,
		"created_at":     app.CreatedAt,
		"updated_at":     app.UpdatedAt,
		"permissions":    app.Permissions,
		"events":         app.Events,
		"client_id":      "Iv1.sim" + strings.Repeat("0", 9),
		"client_secret":  "simsecret" + strings.Repeat("0", 31),
		"webhook_secret": s.hook.secret,
		"pem":            string(s.privPEM),
	}}
}
