package e2e_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8syaml "sigs.k8s.io/yaml"
)

const k8sDir = "../../deploy/kubernetes"

// kustomization is the part of kustomize's Kustomization that these
// manifests use. Decoding it strictly keeps the files to that part, which
// this test understands (kustomize's own module is far larger than what
// checking four fields needs).
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Images     []struct {
		Name   string `json:"name"`
		NewTag string `json:"newTag"`
	} `json:"images"`
}

// k8sTypes maps each apiVersion and kind the manifests may use to the Go
// type the API server decodes it into.
var k8sTypes = map[string]func() any{
	"v1/ConfigMap":                                  func() any { return new(corev1.ConfigMap) },
	"v1/Secret":                                     func() any { return new(corev1.Secret) },
	"v1/Service":                                    func() any { return new(corev1.Service) },
	"apps/v1/Deployment":                            func() any { return new(appsv1.Deployment) },
	"batch/v1/CronJob":                              func() any { return new(batchv1.CronJob) },
	"policy/v1/PodDisruptionBudget":                 func() any { return new(policyv1.PodDisruptionBudget) },
	"monitoring.coreos.com/v1/ServiceMonitor":       func() any { return new(monitoringv1.ServiceMonitor) },
	"monitoring.coreos.com/v1/PrometheusRule":       func() any { return new(monitoringv1.PrometheusRule) },
	"kustomize.config.k8s.io/v1beta1/Kustomization": func() any { return new(kustomization) },
}

// k8sObject is one decoded document of a manifest file.
type k8sObject struct {
	file string // relative to deploy/kubernetes
	raw  []byte // the document alone, as YAML
	obj  any
}

// splitYAML returns each document of a multi-document YAML file.
func splitYAML(data []byte) ([][]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs [][]byte
	for {
		var n yaml.Node
		if err := dec.Decode(&n); errors.Is(err, io.EOF) {
			return docs, nil
		} else if err != nil {
			return nil, err
		}
		b, err := yaml.Marshal(&n)
		if err != nil {
			return nil, err
		}
		docs = append(docs, b)
	}
}

// decodeStrict decodes one document into its Kubernetes API type. Unknown
// or duplicate fields and malformed values (a quantity, a duration) fail,
// as `kubectl apply --validate=strict` fails them.
func decodeStrict(doc []byte) (any, error) {
	var tm metav1.TypeMeta
	if err := k8syaml.Unmarshal(doc, &tm); err != nil {
		return nil, err
	}
	newObj, ok := k8sTypes[tm.APIVersion+"/"+tm.Kind]
	if !ok {
		return nil, fmt.Errorf("apiVersion %q kind %q: no Go type to check it against (add it to k8sTypes)", tm.APIVersion, tm.Kind)
	}
	obj := newObj()
	if err := k8syaml.UnmarshalStrict(doc, obj); err != nil {
		return nil, fmt.Errorf("%s: %w", tm.Kind, err)
	}
	return obj, nil
}

// k8sObjects strictly decodes every document of every manifest under
// deploy/kubernetes, subdirectories included.
func k8sObjects(t *testing.T) []k8sObject {
	t.Helper()
	var out []k8sObject
	err := filepath.WalkDir(k8sDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (filepath.Ext(path) != ".yml" && filepath.Ext(path) != ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		docs, err := splitYAML(data)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(k8sDir, path)
		for _, doc := range docs {
			obj, err := decodeStrict(doc)
			if err != nil {
				t.Errorf("%s: %v", rel, err)
				continue
			}
			out = append(out, k8sObject{file: filepath.ToSlash(rel), raw: doc, obj: obj})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no manifests under deploy/kubernetes")
	}
	return out
}

// Every manifest decodes strictly into the Kubernetes API types (or the
// Prometheus Operator's, or kustomize's), and the same manifest with one
// unknown field injected, at the top, in its metadata or in a container,
// does not: the check would catch a typo such as `resource:` or `image_:`.
func TestKubernetesManifestsDecodeStrictly(t *testing.T) {
	objs := k8sObjects(t)
	containers := 0
	for _, o := range objs {
		var doc map[string]any
		if err := yaml.Unmarshal(o.raw, &doc); err != nil {
			t.Fatal(err)
		}
		inject := [][]string{{"unknownField"}}
		if _, ok := doc["metadata"]; ok {
			inject = append(inject, []string{"metadata", "labelz"})
		}
		switch o.obj.(type) {
		case *appsv1.Deployment:
			inject = append(inject, []string{"spec", "template", "spec", "containers", "0", "resource"})
			containers++
		case *batchv1.CronJob:
			inject = append(inject, []string{"spec", "jobTemplate", "spec", "template", "spec", "containers", "0", "image_"})
			containers++
		}
		for _, path := range inject {
			mutated, err := withField(o.raw, path)
			if err != nil {
				t.Fatalf("%s: inject %v: %v", o.file, path, err)
			}
			if _, err := decodeStrict(mutated); err == nil {
				t.Errorf("%s: decoded with an unknown field at %s", o.file, strings.Join(path, "."))
			} else if !strings.Contains(err.Error(), "unknown field") {
				t.Errorf("%s: the unknown field at %s failed for another reason: %v", o.file, strings.Join(path, "."), err)
			}
		}
	}
	if containers < 3 {
		t.Errorf("an unknown field went into %d containers, want the Deployment's and both CronJobs'", containers)
	}
	// A malformed value fails too, not only an unknown name.
	bad := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1]\n")
	if _, err := decodeStrict(bad); err == nil {
		t.Error("a ConfigMap with a list as data value decoded")
	}
	if _, err := decodeStrict([]byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n")); err == nil {
		t.Error("a kind without a registered type decoded")
	}
}

// withField returns doc with key path[len-1] = "x" set in the map at the
// path's prefix (numeric elements index lists).
func withField(doc []byte, path []string) ([]byte, error) {
	var m map[string]any
	if err := yaml.Unmarshal(doc, &m); err != nil {
		return nil, err
	}
	var cur any = m
	for _, p := range path[:len(path)-1] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i >= len(c) {
				return nil, fmt.Errorf("no element %s", p)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("nothing at %s", p)
		}
	}
	last, ok := cur.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%v is not a map", path[:len(path)-1])
	}
	last[path[len(path)-1]] = "x"
	return yaml.Marshal(m)
}

// podTemplates returns the pod templates of the workload objects.
func podTemplates(objs []k8sObject) map[string]corev1.PodSpec {
	out := map[string]corev1.PodSpec{}
	for _, o := range objs {
		switch w := o.obj.(type) {
		case *appsv1.Deployment:
			out["Deployment/"+w.Name] = w.Spec.Template.Spec
		case *batchv1.CronJob:
			out["CronJob/"+w.Name] = w.Spec.JobTemplate.Spec.Template.Spec
		}
	}
	return out
}

// Every container, the CronJobs' included, requests CPU and memory and is
// limited in both, so the scheduler can place it and a leak cannot take
// the node.
func TestKubernetesResources(t *testing.T) {
	pods := podTemplates(k8sObjects(t))
	if len(pods) < 3 {
		t.Fatalf("found %d workloads, want the Deployment and two CronJobs", len(pods))
	}
	for name, spec := range pods {
		for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
			for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				req, hasReq := c.Resources.Requests[r]
				lim, hasLim := c.Resources.Limits[r]
				if !hasReq || !hasLim {
					t.Errorf("%s/%s: %s request set %v, limit set %v", name, c.Name, r, hasReq, hasLim)
					continue
				}
				if req.Cmp(lim) > 0 || req.Cmp(resource.MustParse("0")) <= 0 {
					t.Errorf("%s/%s: %s request %s, limit %s", name, c.Name, r, req.String(), lim.String())
				}
			}
		}
	}
}

// The PodDisruptionBudget covers the webhook replicas and leaves one
// running; the ServiceMonitor scrapes the Service's port at /metrics.
func TestKubernetesDisruptionAndMonitoring(t *testing.T) {
	objs := k8sObjects(t)
	var dep *appsv1.Deployment
	var svc *corev1.Service
	var pdbs []*policyv1.PodDisruptionBudget
	var sms []*monitoringv1.ServiceMonitor
	for _, o := range objs {
		switch v := o.obj.(type) {
		case *appsv1.Deployment:
			dep = v
		case *corev1.Service:
			svc = v
		case *policyv1.PodDisruptionBudget:
			pdbs = append(pdbs, v)
		case *monitoringv1.ServiceMonitor:
			sms = append(sms, v)
		}
	}
	if dep == nil || svc == nil || len(pdbs) != 1 || len(sms) != 1 {
		t.Fatalf("want a Deployment, a Service, one PodDisruptionBudget and one ServiceMonitor; got %v %v %d %d", dep != nil, svc != nil, len(pdbs), len(sms))
	}
	pdb := pdbs[0]
	sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	if !sel.Matches(labelSet(dep.Spec.Template.Labels)) {
		t.Errorf("the PodDisruptionBudget's selector %s does not select the Deployment's pods %v", sel, dep.Spec.Template.Labels)
	}
	replicas := int32(1)
	if dep.Spec.Replicas != nil {
		replicas = *dep.Spec.Replicas
	}
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() < 1 || pdb.Spec.MinAvailable.IntValue() >= int(replicas) {
		t.Errorf("PodDisruptionBudget minAvailable %v with %d replicas: want at least one up and one allowed to go", pdb.Spec.MinAvailable, replicas)
	}

	sm := sms[0]
	sel, err = metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	if !sel.Matches(labelSet(svc.Labels)) {
		t.Errorf("the ServiceMonitor's selector %s does not select the Service %v", sel, svc.Labels)
	}
	ports := map[string]bool{}
	for _, p := range svc.Spec.Ports {
		ports[p.Name] = true
	}
	for _, ep := range sm.Spec.Endpoints {
		if !ports[ep.Port] || ep.Path != "/metrics" {
			t.Errorf("ServiceMonitor endpoint port %q path %q: want one of the Service's ports %v and /metrics", ep.Port, ep.Path, ports)
		}
	}
}

type labelSet map[string]string

func (l labelSet) Has(k string) bool   { _, ok := l[k]; return ok }
func (l labelSet) Get(k string) string { return l[k] }
func (l labelSet) Lookup(k string) (string, bool) {
	v, ok := l[k]
	return v, ok
}

// Each kustomization lists every manifest beside it (only secret.yml, an
// example of a Secret to create from the files setup wrote, stays out),
// and the image everything runs is the one the Makefile builds, README
// names and CHANGELOG.md's newest version tags.
func TestKubernetesKustomizationAndImage(t *testing.T) {
	objs := k8sObjects(t)
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^IMAGE\s*\?=\s*(\S+)\s*$`).FindSubmatch(makefile)
	if m == nil {
		t.Fatal("the Makefile sets no IMAGE ?= ...")
	}
	image := string(m[1])
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte(image)) {
		t.Errorf("README.md does not name the image %s", image)
	}
	changelog, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	v := regexp.MustCompile(`(?m)^## (\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?) / `).FindSubmatch(changelog)
	if v == nil {
		t.Fatal("CHANGELOG.md has no '## X.Y.Z / date' section")
	}

	listed := map[string]map[string]bool{} // directory → resources
	for _, o := range objs {
		k, ok := o.obj.(*kustomization)
		if !ok {
			continue
		}
		dir := filepath.Dir(o.file)
		listed[dir] = map[string]bool{}
		for _, r := range k.Resources {
			p := filepath.Join(k8sDir, dir, r)
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s lists %s: %v", o.file, r, err)
			}
			listed[dir][r] = true
		}
		for _, img := range k.Images {
			if img.Name != image {
				t.Errorf("%s sets the image %s, the Makefile builds %s", o.file, img.Name, image)
			}
			if want := "v" + string(v[1]); img.NewTag != want {
				t.Errorf("%s tags the image %s, CHANGELOG.md's newest version is %s", o.file, img.NewTag, want)
			}
		}
	}
	if _, ok := listed["."]; !ok {
		t.Error("deploy/kubernetes has no kustomization.yaml")
	}
	for _, o := range objs {
		dir, base := filepath.Dir(o.file), filepath.Base(o.file)
		if _, ok := o.obj.(*kustomization); ok || base == "secret.yml" {
			continue
		}
		if !listed[dir][base] {
			t.Errorf("%s is not in %s's kustomization", o.file, dir)
		}
	}
	for name, spec := range podTemplates(objs) {
		for _, c := range spec.Containers {
			if c.Image != image {
				t.Errorf("%s/%s runs %q, want %s (the kustomization sets the tag)", name, c.Name, c.Image, image)
			}
		}
	}
}

const prometheusRuleFile = k8sDir + "/prometheus-operator/prometheusrule.yml"

// prometheusRule renders the PrometheusRule from deploy/prometheus-alerts.yml:
// its groups, indented under spec, so that the two cannot drift.
func prometheusRule(alerts []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`# Generated from deploy/prometheus-alerts.yml by make manifest; a test fails
# when they differ. Your Prometheus resource's ruleSelector must select it
# (add the label it expects, e.g. release: prometheus, in a kustomize patch).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: mentorbot
  labels:
    app.kubernetes.io/name: mentorbot
spec:
`)
	lines := strings.Split(strings.TrimRight(string(alerts), "\n"), "\n")
	for len(lines) > 0 && (strings.HasPrefix(lines[0], "#") || strings.TrimSpace(lines[0]) == "") {
		lines = lines[1:] // the file's header is about loading it into Prometheus
	}
	for _, l := range lines {
		if l != "" {
			b.WriteString("  ")
		}
		b.WriteString(l + "\n")
	}
	return b.Bytes()
}

// The PrometheusRule is deploy/prometheus-alerts.yml, for the Prometheus
// Operator: byte for byte generated from it, and equal as rule groups.
// MENTORBOT_UPDATE_GOLDEN=1 (make manifest) regenerates it.
func TestPrometheusRuleIsTheAlertRules(t *testing.T) {
	alerts, err := os.ReadFile("../../deploy/prometheus-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	want := prometheusRule(alerts)
	if os.Getenv("MENTORBOT_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(prometheusRuleFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(prometheusRuleFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not generated from deploy/prometheus-alerts.yml: run `make manifest`", prometheusRuleFile)
	}
	obj, err := decodeStrict(got)
	if err != nil {
		t.Fatal(err)
	}
	var file monitoringv1.PrometheusRuleSpec
	if err := k8syaml.UnmarshalStrict(alerts, &file); err != nil {
		t.Fatalf("deploy/prometheus-alerts.yml as PrometheusRule groups: %v", err)
	}
	rule := obj.(*monitoringv1.PrometheusRule)
	if !reflect.DeepEqual(rule.Spec, file) {
		t.Error("the PrometheusRule's groups differ from deploy/prometheus-alerts.yml")
	}
	if len(rule.Spec.Groups) == 0 || len(rule.Spec.Groups[0].Rules) == 0 {
		t.Error("the PrometheusRule has no rules")
	}
}
