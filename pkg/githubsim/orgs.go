package githubsim

import (
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// org finds {org} as the caller may see it: an installation sees only the
// organisation it is installed on.
func (c *call) org() (*org, *reply) {
	o := c.s.st.orgs[strings.ToLower(c.params["org"])]
	if o == nil || c.inst == nil || !strings.EqualFold(c.inst.account, o.login) {
		rp := notFound()
		return nil, &rp
	}
	return o, nil
}

func (s *Server) checkMembership(c *call) reply {
	o, rp := c.org()
	if rp != nil {
		return *rp
	}
	if !o.members[strings.ToLower(c.params["username"])] {
		return notFound()
	}
	return noContent()
}

func (s *Server) memberLogins(o *org) []string {
	out := make([]string, 0, len(o.members))
	for m := range o.members {
		out = append(out, s.st.lookupUser(m).login)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

func (s *Server) listMembers(c *call) reply {
	o, rp := c.org()
	if rp != nil {
		return *rp
	}
	if _, rp := enumParam(c, "role", "all", "all", "admin", "member"); rp != nil {
		return *rp
	}
	return ok(s.usersJSON(paginate(c, s.memberLogins(o))))
}

func (s *Server) listTeams(c *call) reply {
	o, rp := c.org()
	if rp != nil {
		return *rp
	}
	slugs := sortedKeys(o.teams)
	out := []*github.Team{}
	for _, slug := range paginate(c, slugs) {
		out = append(out, s.teamJSON(o.login, slug))
	}
	return ok(out)
}

func (s *Server) listTeamMembers(c *call) reply {
	o, rp := c.org()
	if rp != nil {
		return *rp
	}
	t := o.teams[strings.ToLower(c.params["team_slug"])]
	if t == nil {
		return notFound()
	}
	if _, rp := enumParam(c, "role", "all", "all", "maintainer", "member"); rp != nil {
		return *rp
	}
	return ok(s.usersJSON(paginate(c, t.members)))
}

func (s *Server) getUser(c *call) reply {
	u := s.st.lookupUser(c.params["username"])
	if u == nil {
		return notFound()
	}
	out := s.userJSON(u.login)
	out.Name = github.String(u.login)
	out.PublicRepos = github.Int(0)
	out.Followers = github.Int(0)
	out.Following = github.Int(0)
	out.CreatedAt = ts(time.Unix(1600000000, 0))
	out.UpdatedAt = ts(time.Unix(1600000000, 0))
	return ok(out)
}
