package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// An org policy emptied after a good one (a botched edit, a truncated
// commit) does not stop the programme: the bot warns in its logs and
// metrics, and the last good roster keeps labelling mentee PRs.
func TestEmptyOrgPolicyKeepsLastGoodRoster(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	mtSeed(t, h)

	n := mtOpenPR(t, h, "thanos-io/thanos", "alice", "First change.")
	if got := mtPRLabels(t, h, "thanos-io/thanos", n); !mtHasLabel(got, menteePRLabel) {
		t.Fatalf("with the good policy: labels %q, want %q", got, menteePRLabel)
	}

	h.Sim.PutFile("thanos-io/.github", "mentorbot.yml", "")
	h.Clock.Advance(2 * time.Minute) // past the handlers' policy cache
	n = mtOpenPR(t, h, "thanos-io/thanos", "alice", "Second change.")
	if got := mtPRLabels(t, h, "thanos-io/thanos", n); !mtHasLabel(got, menteePRLabel) {
		t.Errorf("after the org policy was emptied: labels %q, want %q from the last good roster", got, menteePRLabel)
	}

	logs := h.Logs.String()
	for _, want := range []string{"policy file is empty", "policy lost its mentee roster, keeping the last good policy"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack the warning %q", want)
		}
	}
	metrics, err := h.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`mentorbot_policy_flagged_total{reason="empty"} 1`, `mentorbot_policy_flagged_total{reason="roster_lost"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
