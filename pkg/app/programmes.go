package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// joinProgrammes groups installations into programmes and sets each one's
// roster, Lead and Peers. Installations whose org policies name the same
// file (their own, or the target of a remote reference) run one programme:
// its roster is that file's merged with every repository file of every
// member org (policy.MergeRosters); an org without a policy file runs its
// own. The lead, which alone runs the programme-wide sweeps, is the
// installation on the org that keeps the file, else the one with the
// lowest ID. insts are sorted by ID; res[i] is insts[i]'s.
func joinProgrammes(ctx context.Context, insts []job.Installation, res []policy.Resolved) {
	var keys []string
	groups := map[string][]int{}
	for i, r := range res {
		key := strings.ToLower(policy.ProgrammeSource(r.Org))
		if key == "" {
			key = "account " + strings.ToLower(insts[i].Owner)
		}
		if _, ok := groups[key]; !ok {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], i)
	}
	for _, key := range keys {
		members := groups[key]
		lead := members[0]
		for _, i := range members {
			if strings.EqualFold(insts[i].Owner, policy.SourceOwner(key)) {
				lead = i
				break
			}
		}
		var rosters []policy.Roster
		for _, i := range members {
			rosters = append(rosters, res[i].Rosters()...)
		}
		base := res[lead].Base
		mentees, problems := policy.MergeRosters(policy.Roster{Source: policy.ProgrammeSource(base), Mentees: base.Policy.Mentees}, rosters)
		for _, p := range problems {
			zerolog.Ctx(ctx).Warn().Str("programme", key).Str("problem", p.String()).Msg("roster entry dropped")
		}
		for _, i := range members {
			insts[i].Policy.Mentees = slices.Clone(mentees)
			insts[i].Lead = i == lead
			insts[i].Peers = nil
			for _, j := range members {
				if j != i {
					insts[i].Peers = append(insts[i].Peers, job.Peer{ID: insts[j].ID, GitHub: insts[j].GitHub, Owner: insts[j].Owner, Repos: insts[j].Repos})
				}
			}
		}
	}
}

// programmePeers returns the other installations of the programme that
// installation id belongs to (none when its programme is its own), for a
// webhook job that counts the whole programme's activity: the digest
// preview. It lists and resolves every installation as a sweep does, so
// only a command that needs it pays that.
func (a *App) programmePeers(ctx context.Context, id int64) ([]job.Peer, error) {
	insts, _, err := a.installations(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, inst := range insts {
		if inst.ID == id {
			return inst.Peers, nil
		}
	}
	return nil, nil
}

// programmeWide runs a sweep job on the lead installation of each
// programme only: enrolment, digests, learnings and the meetup are the
// programme's, not each org's, so two orgs sharing a programme get one
// tracking issue per mentee, one digest a week and one learnings issue.
type programmeWide struct {
	name string
	SweepJob
}

// Sweep implements SweepJob.
func (p programmeWide) Sweep(ctx context.Context, inst job.Installation) error {
	if !inst.Lead {
		inst.Reportf("%s %s: the programme is shared; its %s runs on another installation", p.name, inst.Owner, p.name)
		return nil
	}
	return p.SweepJob.Sweep(ctx, inst)
}

// installationClients finds the app's installation on an account, so that
// a remote policy reference to a repository of another org the app is
// installed on is read with that installation's token (the repository may
// be private). Found IDs are remembered; an account without the app is
// asked again next time (it may install the app), and its files are read
// with the referencing installation's client (public repositories).
type installationClients struct {
	clients githubapp.ClientCreator

	mu  sync.Mutex
	ids map[string]int64
}

func (c *installationClients) forOwner(ctx context.Context, owner string) (*github.Client, error) {
	key := strings.ToLower(owner)
	c.mu.Lock()
	id, ok := c.ids[key]
	c.mu.Unlock()
	if !ok {
		ac, err := c.clients.NewAppClient()
		if err != nil {
			return nil, fmt.Errorf("create app client: %w", err)
		}
		in, _, err := ac.Apps.FindOrganizationInstallation(ctx, owner)
		if ghclient.IsNotFound(err) {
			in, _, err = ac.Apps.FindUserInstallation(ctx, owner)
		}
		switch {
		case ghclient.IsNotFound(err) || ghclient.IsStatus(err, http.StatusUnprocessableEntity):
			return nil, nil
		case err != nil:
			return nil, fmt.Errorf("find the app's installation on %s: %w", owner, err)
		}
		id = in.GetID()
		c.mu.Lock()
		if c.ids == nil {
			c.ids = map[string]int64{}
		}
		c.ids[key] = id
		c.mu.Unlock()
	}
	return c.clients.NewInstallationClient(id)
}
