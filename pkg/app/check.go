package app

import (
	"fmt"
	"os"
	"time"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/welcome"
)

// CheckPolicy validates a mentorbot.yml file as `check-config` reports it:
// every problem with its line, plus warnings (a term that already ended, a
// key file others can read). The policy parser checks template syntax; the
// welcome job also knows the fields and functions its template may use.
func CheckPolicy(path string, now time.Time) (problems, warnings []policy.Problem, err error) {
	rep, err := policy.ReadFile(path, now)
	if err != nil {
		return nil, nil, err
	}
	problems = rep.Problems
	if msg := rep.Policy.Welcome.Message; msg != "" {
		if err := welcome.CheckTemplate(msg); err != nil {
			problems = append(problems, policy.Problem{Path: "welcome.message", Message: err.Error()})
		}
	}
	warnings = rep.Warnings
	// The lints need the YAML text, comments included, which Parse drops.
	if data, err := os.ReadFile(path); err == nil && len(data) <= policy.MaxFileSize {
		warnings = append(warnings, policy.Lint(data, "")...)
	}
	return problems, warnings, nil
}

// CheckServerConfig validates config.yml (with the GITHUB_* environment
// applied, as serve reads it) and warns when the private key file is
// readable by others.
func CheckServerConfig(path string) (warnings []string, err error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if w := cfg.KeyFileWarning(); w != "" {
		warnings = append(warnings, w)
	}
	if _, err := cfg.PrivateKey(); err != nil {
		return warnings, fmt.Errorf("private key: %w", err)
	}
	return warnings, nil
}
