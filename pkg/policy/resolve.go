package policy

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/google/go-github/v60/github"
	"gopkg.in/yaml.v3"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
)

// Roster is one file's mentees, for MergeRosters.
type Roster struct {
	// Source names the file, as in Result.Source.
	Source  string
	Mentees []Mentee
}

// MergeRosters builds a programme's roster from the programme file's roster
// (the org's mentorbot.yml, or the file its remote reference names) and the
// rosters of repository files (from every org sharing the programme).
//
// The rule: every login listed anywhere is a mentee of the programme, once.
// The programme file comes first, then the repository files in the order of
// their Source (case-insensitive). A login's first entry is kept whole: its
// term, mentors and tracking issue come from one file, never half from one
// and half from another. A later entry equal to the kept one is the same
// enrolment (a repository file that does not set `mentees` inherits the
// org's) and is dropped silently; a later entry that differs is dropped and
// reported, naming both files.
func MergeRosters(programme Roster, repos []Roster) ([]Mentee, []Problem) {
	repos = slices.Clone(repos)
	slices.SortStableFunc(repos, func(a, b Roster) int {
		return strings.Compare(strings.ToLower(a.Source), strings.ToLower(b.Source))
	})
	var out []Mentee
	var problems []Problem
	from := map[string]int{} // lower-case login -> index in out
	src := map[string]string{}
	for _, r := range append([]Roster{programme}, repos...) {
		for _, m := range r.Mentees {
			key := strings.ToLower(m.Login)
			i, dup := from[key]
			if !dup {
				from[key] = len(out)
				src[key] = r.Source
				out = append(out, m)
				continue
			}
			if reflect.DeepEqual(out[i], m) {
				continue
			}
			problems = append(problems, Problem{
				Source: r.Source,
				Path:   "mentees",
				Message: fmt.Sprintf("@%s is also enrolled in %s, with a different entry; the programme uses that one (the programme file first, then repository files by name)",
					m.Login, src[key]),
			})
		}
	}
	return out, problems
}

// ProgrammeSource names the file that holds a programme's settings and base
// roster, from the Result of an org's policy (Load of owner/.github): the
// target of a remote reference, else the org's own file; "" when the org has
// no file. Installations whose org policies name the same file run one
// programme.
func ProgrammeSource(org Result) string {
	if org.Source == "" {
		return ""
	}
	base, _, _ := strings.Cut(org.Source, " + ")
	if _, target, ok := strings.Cut(base, RemoteArrow); ok {
		base = target
	}
	// The same file is "o/r@main:p" when read as a default and "o/r:p" as a
	// base: leave the ref out.
	repo, path, _ := strings.Cut(base, ":")
	repo, _, _ = strings.Cut(repo, "@")
	return repo + ":" + path
}

// SourceOwner returns the account of a Source ("owner/repo@ref:path").
func SourceOwner(source string) string {
	owner, _, _ := strings.Cut(source, "/")
	return owner
}

// Origin says where the effective value of one key comes from.
type Origin struct {
	// Key is the key's path, e.g. "reviews.wait"; lists are whole keys.
	Key string
	// Value is the effective value, rendered as in the policy reference.
	Value string
	// Source is the file that set it last, or "" for the built-in default.
	Source string
}

// Origins lists every key of the schema with its effective value in p and
// the last of layers (base first) that sets it. A list (mentees, reviewers)
// is one key: a later file's list replaces an earlier one's.
func Origins(p Policy, layers []Layer) []Origin {
	set := map[string]string{}
	for _, l := range layers {
		var doc yaml.Node
		if l.Invalid != "" || yaml.Unmarshal(l.Data, &doc) != nil || len(doc.Content) == 0 {
			continue
		}
		var walk func(n *yaml.Node, prefix string)
		walk = func(n *yaml.Node, prefix string) {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				if v.Kind == yaml.MappingNode {
					walk(v, join(prefix, k))
					continue
				}
				if v.Tag != "!!null" {
					set[join(prefix, k)] = l.Source
				}
			}
		}
		if root := doc.Content[0]; root.Kind == yaml.MappingNode {
			walk(root, "")
		}
	}
	var out []Origin
	for _, r := range keysOf(p) {
		if strings.Contains(r.path, "[]") {
			continue
		}
		o := Origin{Key: r.path, Value: r.def, Source: set[r.path]}
		if r.path == "mentees" {
			logins := make([]string, len(p.Mentees))
			for i, m := range p.Mentees {
				logins[i] = m.Login
			}
			o.Value = fmt.Sprintf("%d: [%s]", len(p.Mentees), strings.Join(logins, ", "))
		}
		out = append(out, o)
	}
	return out
}

// Explain loads the effective policy of owner/repo like Load and says where
// each key comes from.
func (l *Loader) Explain(ctx context.Context, client *github.Client, installationID int64, owner, repo string) (Result, []Origin, error) {
	res, err := l.Load(ctx, client, installationID, owner, repo)
	if err != nil {
		return res, nil, err
	}
	layers, err := l.fetch(ctx, client, owner, repo)
	if err != nil {
		return res, nil, fmt.Errorf("load policy for %s/%s: %w", owner, repo, err)
	}
	if res.Stale {
		layers = nil // the files are not what is in effect
	}
	return res, Origins(res.Policy, layers), nil
}

// Resolved is every policy of one installation.
type Resolved struct {
	// Org is the org-wide policy (owner/.github's mentorbot.yml, its remote
	// reference followed).
	Org Result
	// Repos holds the effective policy of each repository that has its own
	// .github/mentorbot.yml, keyed by lower-case "owner/name". The others
	// follow Org.
	Repos map[string]Result
	// Base is the policy that gives the programme its settings (program,
	// digest, retrospective, meetup, ...) and first roster: Org, or, when
	// the org has no file (Prometheus has no .github repository), the first
	// repository file by name that sets program.tracking_repo, else the
	// first repository file by name.
	Base Result
	// Programme is Base with the rosters of every repository file merged in
	// (MergeRosters); RosterProblems are the entries it dropped.
	Programme      Policy
	RosterProblems []Problem
}

// Rosters returns the repository files' rosters, for merging the rosters of
// several installations that share one programme.
func (r Resolved) Rosters() []Roster {
	var out []Roster
	for _, res := range r.Repos {
		out = append(out, Roster{Source: res.Source, Mentees: res.Policy.Mentees})
	}
	return out
}

// Resolver finds the policy of every repository of an installation for the
// sweeps. Reading 100 repositories must stay cheap, so a repository is read
// only when it has a policy file, which its root listing says: one
// GET /repos/{owner}/{repo}/contents/ per repository, which the ETag cache
// of the installation's client turns into a conditional request (a 304,
// free of rate limit) on the next sweep. The listing gives the .github
// directory's SHA; what that directory holds is remembered per SHA, so it
// is listed again only when it changed. Repositories with a policy file are
// then loaded with Loader (conditional requests too).
//
// Why not fewer calls: code search (filename:mentorbot.yml path:.github
// org:X) is one call per org but is eventually consistent, skips forks and
// large repositories and allows 10 calls a minute; the git trees API costs
// the same one call per repository as the root listing, and the reviews
// sweep lists the root anyway (for CODEOWNERS), so the listing is shared
// through the cache.
type Resolver struct {
	Loader *Loader

	mu   sync.Mutex
	dirs map[string]githubDir // lower-case owner/name -> its .github directory
}

type githubDir struct {
	sha  string
	file bool // holds mentorbot.yml
}

// NewResolver returns a Resolver loading with l.
func NewResolver(l *Loader) *Resolver {
	return &Resolver{Loader: l, dirs: map[string]githubDir{}}
}

// Resolve returns the org policy, each repository's own policy and the
// programme policy of owner's installation, whose repositories are repos.
func (r *Resolver) Resolve(ctx context.Context, client *github.Client, installationID int64, owner string, repos []*github.Repository) (Resolved, error) {
	org, err := r.Loader.Load(ctx, client, installationID, owner, OrgWide)
	if err != nil {
		return Resolved{}, fmt.Errorf("load org policy of %s: %w", owner, err)
	}
	out := Resolved{Org: org, Repos: map[string]Result{}}
	for _, rp := range repos {
		o, name := rp.GetOwner().GetLogin(), rp.GetName()
		if o == "" {
			o, name, _ = strings.Cut(rp.GetFullName(), "/")
		}
		has, err := r.hasFile(ctx, client, o, name)
		if err != nil {
			return Resolved{}, err
		}
		if !has {
			continue
		}
		res, err := r.Loader.Load(ctx, client, installationID, o, name)
		if err != nil {
			return Resolved{}, err
		}
		out.Repos[strings.ToLower(o+"/"+name)] = res
	}
	out.Base = baseOf(org, out.Repos)
	out.Programme = out.Base.Policy.Clone()
	out.Programme.Mentees, out.RosterProblems = MergeRosters(
		Roster{Source: ProgrammeSource(out.Base), Mentees: out.Base.Policy.Mentees}, out.Rosters())
	return out, nil
}

// baseOf chooses the programme's Base (see Resolved.Base).
func baseOf(org Result, repos map[string]Result) Result {
	if org.Source != "" || len(repos) == 0 {
		return org
	}
	names := slices.Sorted(maps.Keys(repos))
	for _, n := range names {
		if repos[n].Policy.Program.TrackingRepo != "" {
			return repos[n]
		}
	}
	return repos[names[0]]
}

// hasFile reports whether owner/name has a .github/mentorbot.yml.
func (r *Resolver) hasFile(ctx context.Context, client *github.Client, owner, name string) (bool, error) {
	_, root, _, err := client.Repositories.GetContents(ctx, owner, name, "", nil)
	switch {
	case ghclient.IsNotFound(err):
		return false, nil // an empty repository
	case err != nil:
		return false, fmt.Errorf("list the root of %s/%s: %w", owner, name, err)
	}
	sha := ""
	for _, e := range root {
		if e.GetName() == ".github" && e.GetType() == "dir" {
			sha = e.GetSHA()
		}
	}
	// GitHub lists at most 1,000 entries: beyond that, look without knowing.
	if sha == "" && len(root) < 1000 {
		return false, nil
	}
	key := strings.ToLower(owner + "/" + name)
	r.mu.Lock()
	d, ok := r.dirs[key]
	r.mu.Unlock()
	if ok && sha != "" && d.sha == sha {
		return d.file, nil
	}
	_, dir, _, err := client.Repositories.GetContents(ctx, owner, name, ".github", nil)
	switch {
	case ghclient.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("list .github of %s/%s: %w", owner, name, err)
	}
	file := slices.ContainsFunc(dir, func(e *github.RepositoryContent) bool {
		return e.GetName() == OrgPath && e.GetType() == "file"
	})
	if sha != "" {
		r.mu.Lock()
		r.dirs[key] = githubDir{sha: sha, file: file}
		r.mu.Unlock()
	}
	return file, nil
}
