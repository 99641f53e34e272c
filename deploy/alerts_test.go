// Package deploy_test checks the deployment files that are not Go: the
// Prometheus alert rules.
package deploy_test

import (
	"os"
	"os/exec"
	"slices"
	"testing"

	"github.com/prometheus/prometheus/model/rulefmt"
	"gopkg.in/yaml.v3"
)

const (
	rulesFile     = "prometheus-alerts.yml"
	ruleTestsFile = "prometheus-alerts.test.yml"
)

// The rule file parses as Prometheus parses it (rulefmt: unknown fields,
// PromQL expressions and annotation templates are all checked), and every
// alert says how bad it is and what to do.
func TestAlertRulesParse(t *testing.T) {
	groups, errs := rulefmt.ParseFile(rulesFile, false)
	for _, err := range errs {
		t.Errorf("%s: %v", rulesFile, err)
	}
	if groups == nil {
		t.FailNow()
	}
	n := 0
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			n++
			if r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("alert %s: needs a severity label and summary and description annotations", r.Alert)
			}
		}
	}
	if n == 0 {
		t.Fatal("no alerts")
	}
}

// A rule file that does not parse fails the check above: it is not a
// check that passes anything.
func TestAlertRulesParseRejects(t *testing.T) {
	for name, bad := range map[string]string{
		"unknown field": "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        fore: 5m\n",
		"bad PromQL":    "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum by (job (up)\n",
		"bad template":  "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        annotations:\n          summary: \"{{ $labels.job \"\n",
	} {
		if _, errs := rulefmt.Parse([]byte(bad), false); len(errs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

type ruleTests struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		Name       string `yaml:"name"`
		AlertTests []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

// Every alert has a promtool unit test in which it fires and one in which
// it does not; when promtool is installed, the tests are run.
func TestAlertRulesUnitTests(t *testing.T) {
	data, err := os.ReadFile(ruleTestsFile)
	if err != nil {
		t.Fatal(err)
	}
	var rt ruleTests
	if err := yaml.Unmarshal(data, &rt); err != nil {
		t.Fatalf("%s: %v", ruleTestsFile, err)
	}
	if !slices.Equal(rt.RuleFiles, []string{rulesFile}) {
		t.Errorf("%s tests %v, want [%s]", ruleTestsFile, rt.RuleFiles, rulesFile)
	}
	fires, silent := map[string]bool{}, map[string]bool{}
	for _, tc := range rt.Tests {
		for _, at := range tc.AlertTests {
			if len(at.ExpAlerts) > 0 {
				fires[at.Alertname] = true
			} else {
				silent[at.Alertname] = true
			}
		}
	}
	groups, errs := rulefmt.ParseFile(rulesFile, false)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", rulesFile, errs)
	}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" && (!fires[r.Alert] || !silent[r.Alert]) {
				t.Errorf("alert %s: %s needs a case where it fires and one where it does not", r.Alert, ruleTestsFile)
			}
		}
	}

	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not on PATH, the rule unit tests did not run; install it (Debian: apt-get install prometheus; or go install github.com/prometheus/prometheus/cmd/promtool@latest) to run them")
	}
	out, err := exec.Command(promtool, "test", "rules", ruleTestsFile).CombinedOutput()
	if err != nil {
		t.Errorf("promtool test rules %s: %v\n%s", ruleTestsFile, err, out)
	}
}
