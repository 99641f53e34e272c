package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/appconfig"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
)

// RemoteClients returns the client that reads a remote reference's target
// in owner's repositories. A programme shared by several orgs keeps its file
// in one org; the app's installation on that org can read it even when the
// repository is private, where the installation that found the reference
// can read only public repositories of other accounts. A nil client means
// "use the client that read the reference".
type RemoteClients func(ctx context.Context, owner string) (*github.Client, error)

// WithRemoteClients sets how a remote reference's target is read; without
// it, the client that read the reference reads the target too.
func WithRemoteClients(f RemoteClients) LoaderOption {
	return func(l *Loader) { l.remoteClients = f }
}

// OrgWide, as the repository given to Loader.Load, loads the org-wide
// policy alone (<org>/.github's mentorbot.yml), without the .github
// repository's own .github/mentorbot.yml: the sweeps read that one as the
// .github repository's policy.
const OrgWide = ""

// RemoteArrow separates a remote reference from its target in a layer's
// Source: "prometheus/.github:mentorbot.yml -> thanos-io/.github@main:mentorbot.yml".
const RemoteArrow = " -> "

// errRemoteMissing marks a remote reference whose target does not exist.
var errRemoteMissing = errors.New("remote reference: the file it names does not exist")

// fetch returns the policy files that apply to owner/repo, base first: none,
// one (the repository's or the org's), or both. A file that is a remote
// reference ("remote: owner/repo", optional "path" and "ref", go-githubapp's
// appconfig syntax) is replaced by the file it names, which is treated like
// a local one: missing means no file (with a warning, since the reference
// is then dangling), unreadable is an error, invalid is a Problem. An empty
// repo (OrgWide) means the org-wide file alone.
//
// It reads each of the two files with one contents request on the
// repository's default branch (the contents API's default when no ref is
// given): appconfig's own org-default fallback would first get the .github
// repository to learn its default branch, one more call per policy load.
func (l *Loader) fetch(ctx context.Context, client *github.Client, owner, repo string) ([]Layer, error) {
	var out []Layer
	org, ok, err := l.readOne(ctx, client, owner, OrgRepo, OrgPath)
	if err != nil {
		return nil, err
	}
	if ok {
		out = append(out, org)
	}
	if repo == OrgWide {
		return out, nil
	}
	own, ok, err := l.readOne(ctx, client, owner, repo, RepoPath)
	if err != nil {
		return nil, err
	}
	if ok {
		out = append(out, own)
	}
	return out, nil
}

// readOne reads the policy file at path in owner/repo with appconfig,
// following a remote reference; ok is false when there is no file (or a
// reference's target does not exist).
func (l *Loader) readOne(ctx context.Context, client *github.Client, owner, repo, path string) (Layer, bool, error) {
	// The parser returns no reference: layer follows it itself, with the
	// client of the installation on the target's owner.
	var ref *appconfig.RemoteRef
	parser := func(path string, b []byte) (*appconfig.RemoteRef, error) {
		r, err := appconfig.YAMLRemoteRefParser(path, b)
		ref = r
		return nil, err
	}
	ld := appconfig.NewLoader([]string{path}, appconfig.WithOwnerDefault("", nil), appconfig.WithRemoteRefParser(parser))
	c, err := ld.LoadConfig(ctx, client, owner, repo, "")
	if err != nil {
		return Layer{}, false, fmt.Errorf("read %s: %w", sourceName(c), err)
	}
	if c.IsUndefined() {
		return Layer{}, false, nil
	}
	return l.layer(ctx, client, c, ref)
}

// layer turns a file appconfig found into a Layer, following it when it is
// a remote reference. ok is false when a reference's target does not exist.
func (l *Loader) layer(ctx context.Context, client *github.Client, c appconfig.Config, ref *appconfig.RemoteRef) (Layer, bool, error) {
	local := sourceName(c)
	if ref == nil {
		return Layer{Source: local, Data: c.Content}, true, nil
	}
	rc, err := l.followRemote(ctx, client, c.Path, *ref)
	source := local + RemoteArrow + sourceName(rc)
	switch {
	case errors.Is(err, errRemoteMissing):
		zerolog.Ctx(ctx).Warn().Str("policy_source", source).Msg("policy file is a remote reference to a file that does not exist; treating it as no file")
		return Layer{}, false, nil
	case errors.Is(err, errRemoteInvalid):
		return Layer{Source: source, Invalid: err.Error()}, true, nil
	case err != nil:
		return Layer{}, false, fmt.Errorf("read %s: %w", source, err)
	}
	return Layer{Source: source, Data: rc.Content}, true, nil
}

// errRemoteInvalid marks a reference that cannot be followed because of
// what it says (a malformed remote, or a target that is itself a reference).
var errRemoteInvalid = errors.New("invalid remote reference")

// followRemote reads the file a remote reference names. The path defaults to
// the path of the file holding the reference (as appconfig does with its
// first path), the ref to the target's default branch.
func (l *Loader) followRemote(ctx context.Context, client *github.Client, fromPath string, ref appconfig.RemoteRef) (appconfig.Config, error) {
	owner, repo, err := ref.SplitRemote()
	if err != nil || strings.Contains(repo, "/") {
		return appconfig.Config{Source: ref.Remote}, fmt.Errorf("%w: remote %q is not owner/repo", errRemoteInvalid, ref.Remote)
	}
	path := ref.Path
	if path == "" {
		path = RepoPath
	}
	c := appconfig.Config{Source: owner + "/" + repo, Path: path, IsRemote: true}
	if l.remoteClients != nil {
		rc, err := l.remoteClients(ctx, owner)
		if err != nil {
			return c, fmt.Errorf("client for %s: %w", owner, err)
		}
		if rc != nil {
			client = rc
		}
	}
	branch := ref.Ref
	if branch == "" {
		r, _, err := client.Repositories.Get(ctx, owner, repo)
		switch {
		case ghclient.IsNotFound(err):
			return c, errRemoteMissing
		case err != nil:
			return c, fmt.Errorf("get repository %s/%s: %w", owner, repo, err)
		}
		branch = r.GetDefaultBranch()
	}
	chained := false
	ld := appconfig.NewLoader([]string{path}, appconfig.WithOwnerDefault("", nil),
		appconfig.WithRemoteRefParser(func(p string, b []byte) (*appconfig.RemoteRef, error) {
			r, err := appconfig.YAMLRemoteRefParser(p, b)
			chained = r != nil
			return nil, err
		}))
	got, err := ld.LoadConfig(ctx, client, owner, repo, branch)
	got.IsRemote = true
	if err != nil {
		return got, err
	}
	if got.IsUndefined() {
		c.Source += "@" + branch
		return c, errRemoteMissing
	}
	if chained {
		return got, fmt.Errorf("%w: it names another remote reference; point it at the file itself", errRemoteInvalid)
	}
	return got, nil
}

// CheckRemoteRef tells whether data is a remote reference rather than a
// policy, for `check-config FILE`: if so, ok is true, target names the file
// it points at ("owner/repo:path", with "@ref" when it pins one) and
// problems say what is wrong with the reference itself. The target is
// checked where it lives (check-config on it, or --repo to see the merge).
func CheckRemoteRef(data []byte) (target string, problems []Problem, ok bool) {
	ref, err := appconfig.YAMLRemoteRefParser(RepoPath, data)
	if err != nil {
		return "", []Problem{{Path: "remote", Message: err.Error()}}, true
	}
	if ref == nil {
		return "", nil, false
	}
	owner, repo, err := ref.SplitRemote()
	if err != nil || strings.Contains(repo, "/") {
		return ref.Remote, []Problem{{Path: "remote", Message: fmt.Sprintf("%q is not owner/repo", ref.Remote)}}, true
	}
	path := ref.Path
	if path == "" {
		path = RepoPath
	}
	target = owner + "/" + repo
	if ref.Ref != "" {
		target += "@" + ref.Ref
	}
	return target + ":" + path, nil, true
}
