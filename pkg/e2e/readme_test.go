package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

// README.md's policy reference is generated from the policy struct; this
// keeps them from drifting (run `make docs` after changing the policy).
func TestReadmePolicyReferenceIsCurrent(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i := strings.Index(readme, "<!-- policy-reference:start -->")
	j := strings.Index(readme, "<!-- policy-reference:end -->")
	if i < 0 || j < i {
		t.Fatal("README.md lacks the policy reference markers")
	}
	got := strings.TrimSpace(readme[i+len("<!-- policy-reference:start -->") : j])
	if want := strings.TrimSpace(policy.Reference()); got != want {
		t.Errorf("README.md policy reference is stale: run `make docs`")
	}
	for _, cmd := range []string{"make demo", "make test"} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README.md does not show %q", cmd)
		}
	}
}
