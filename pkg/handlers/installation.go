package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// Installation handles installation and installation_repositories events:
// when the app gains repositories, enrolment runs at once instead of waiting
// for the next sweep.
type Installation struct {
	Jobs []InstallationJob
}

var _ githubapp.EventHandler = (*Installation)(nil)

// Handles implements githubapp.EventHandler.
func (h *Installation) Handles() []string {
	return []string{"installation", "installation_repositories"}
}

// Handle implements githubapp.EventHandler.
func (h *Installation) Handle(ctx context.Context, eventType, _ string, payload []byte) error {
	var (
		id     int64
		action string
		repos  []*github.Repository
	)
	switch eventType {
	case "installation":
		var ev github.InstallationEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return fmt.Errorf("parse installation event: %w", err)
		}
		id, action, repos = ev.GetInstallation().GetID(), ev.GetAction(), ev.Repositories
		if action != "created" && action != "unsuspend" && action != "new_permissions_accepted" {
			action = ""
		}
	case "installation_repositories":
		var ev github.InstallationRepositoriesEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return fmt.Errorf("parse installation_repositories event: %w", err)
		}
		id, action, repos = ev.GetInstallation().GetID(), ev.GetAction(), ev.RepositoriesAdded
		if action != "added" {
			action = ""
		}
	}
	log := zerolog.Ctx(ctx).With().Int64(githubapp.LogKeyInstallationID, id).Logger()
	if action == "" {
		log.Debug().Msg("installation event needs no work")
		return nil
	}
	ctx = log.WithContext(ctx)
	log.Info().Int("repositories", len(repos)).Msg("app installed on repositories")
	err := runAll(h.Jobs, func(j InstallationJob) error { return j.OnInstall(ctx, id, repos) })
	if err != nil && isGone(err) {
		// Installed and removed again before we got to it: nothing to do.
		log.Warn().Err(err).Msg("installation not accessible any more, ignoring event")
		return nil
	}
	return err
}
