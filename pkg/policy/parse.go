package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Problem is one thing wrong with a policy file, located by line and by the
// path of the key (e.g. "mentees[1].end", indices from 0).
type Problem struct {
	// Line and Column are 1-based; 0 when the position is unknown.
	Line, Column int
	// Path is the key the problem is about, in the form "reviews.wait" or
	// "mentees[1].end"; empty for problems about the file as a whole and for
	// unknown keys (whose message names the key and where it is).
	Path string
	// Message says what is wrong and, where it helps, what would be right.
	Message string
	// Source names the file, set by the Loader because an effective policy
	// may come from two files; empty for a single file.
	Source string
}

// String renders "line N: path: message", leaving out the parts that are
// unknown, and prefixed with "source: " when Source is set.
func (p Problem) String() string {
	var b strings.Builder
	if p.Source != "" {
		b.WriteString(p.Source)
		b.WriteString(": ")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// SkippedMentee is a roster entry that Parse left out of the policy because
// it had problems; every other entry is kept. The problems themselves are
// among those Parse returns, with paths under "mentees[Index]".
type SkippedMentee struct {
	// Index is the entry's position in the file's mentees list, from 0.
	Index int
	// Login is the login as written; it may be empty or malformed.
	Login string
	// Line is where the entry starts.
	Line int
	// Source names the file, as in Problem.Source.
	Source string
}

// Layer is one policy file for ParseLayers.
type Layer struct {
	// Source names the file in problems; may be empty.
	Source string
	Data   []byte
	// Invalid, when set, says why the file cannot be used at all (a remote
	// reference that cannot be followed); Data is then ignored.
	Invalid string
}

// Parse decodes one policy file strictly onto Default(): a key present in
// the file overrides the default, a key absent or null keeps it. It reports
// every problem it finds, and still returns the policy built from the valid
// parts: a bad value keeps its default, and a roster entry with any problem
// is left out (listed in Policy.Skipped) while every other entry is kept.
// An empty file gives the defaults.
func Parse(data []byte) (Policy, []Problem) {
	r := parseLayers([]Layer{{Data: data}})
	return r.policy, r.problems
}

// ParseLayers decodes several policy files, later ones overriding earlier ones
// key by key: mappings are merged recursively, anything else (a scalar or a
// whole list, such as the roster) replaces what the earlier file said. A null
// value leaves the earlier value in place. This is how a repository's
// .github/mentorbot.yml overrides the org-wide mentorbot.yml. Problems carry
// the Source of the layer they were found in.
func ParseLayers(layers ...Layer) (Policy, []Problem) {
	r := parseLayers(layers)
	return r.policy, r.problems
}

// parsed is the outcome of parseLayers, with what the Loader needs beyond
// the exported API.
type parsed struct {
	policy   Policy
	problems []Problem
	// fatal counts problems that concern the file as a whole rather than a
	// single roster entry; the Loader only trusts a policy where it is 0.
	fatal int
	// rosterAt locates each entry of policy.Mentees in its file.
	rosterAt []entryPos
	// empty names the layers that parse to nothing (no key at all).
	empty []string
}

// maxNodes bounds how many YAML nodes one parse visits, so that aliases
// cannot make a small file expensive.
const maxNodes = 100_000

func parseLayers(layers []Layer) parsed {
	d := &decoder{origin: map[*yaml.Node]int{}, layers: layers, budget: maxNodes}
	var (
		root  *yaml.Node
		empty []string
	)
	for i, l := range layers {
		doc, ok := d.document(i, l.Data)
		if ok && (doc == nil || doc.Kind == yaml.MappingNode && len(doc.Content) == 0) {
			empty = append(empty, l.Source)
		}
		if !ok || doc == nil {
			continue
		}
		d.recordOrigin(doc, i, 0)
		if root == nil {
			root = doc
			continue
		}
		root = d.merge(root, doc, 0)
	}
	p := Default()
	if root != nil {
		d.value(root, reflect.ValueOf(&p).Elem(), "", "")
	}
	p.Skipped = d.skipped
	d.sort()
	return parsed{policy: p, problems: d.problems, fatal: d.fatal, rosterAt: d.rosterAt, empty: empty}
}

type decoder struct {
	layers   []Layer
	problems []Problem
	fatal    int
	// origin maps every node to the index of the layer it was read from.
	origin    map[*yaml.Node]int
	budget    int
	exhausted bool
	// entry is 1 + the index of the roster entry being decoded, 0 outside.
	entry int
	// entryBad is set when a problem was found inside the current entry.
	entryBad bool
	// order remembers each problem's layer for sorting.
	order []int
	// skipped lists the roster entries left out.
	skipped []SkippedMentee
	// rosterAt locates each kept roster entry, in the order of Mentees.
	rosterAt []entryPos
}

// entryPos locates a roster entry in its file, for warnings.
type entryPos struct {
	index, line int
	source      string
}

func (d *decoder) sourceOf(n *yaml.Node) string {
	if l := d.origin[n]; l < len(d.layers) {
		return d.layers[l].Source
	}
	return ""
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses one layer into its top-level node. It returns nil, true
// for an empty document, and false after reporting a syntax error.
func (d *decoder) document(layer int, data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		d.syntax(layer, data, err)
		return nil, false
	}
	for {
		var extra yaml.Node
		err := dec.Decode(&extra)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			d.syntax(layer, data, err)
			return nil, false
		}
		if len(extra.Content) > 0 && extra.Content[0].ShortTag() != "!!null" {
			d.addLayer(layer, Problem{Line: extra.Line, Column: extra.Column,
				Message: "a policy file holds one YAML document; remove the second \"---\" and what follows"}, true)
			return nil, false
		}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, true
	}
	n := doc.Content[0]
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil, true
	}
	return n, true
}

func (d *decoder) syntax(layer int, data []byte, err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if l := errorLine(data); l > 0 {
		line = l
	}
	d.addLayer(layer, Problem{Line: line, Message: "YAML syntax: " + msg}, true)
}

// errorLine finds the line of a syntax error more precisely than yaml.v3,
// which reports the line before the construct the error is in (a 0-based
// line of its context): the error is on the line after the longest prefix
// of the file that parses. It returns 0 when that would cost too much, and
// the caller keeps yaml.v3's line.
func errorLine(data []byte) int {
	const budget = 4 << 20 // bytes parsed in all
	lines := bytes.SplitAfter(data, []byte("\n"))
	spent := 0
	for k := len(lines) - 1; k >= 0; k-- {
		prefix := bytes.Join(lines[:k], nil)
		if spent += len(prefix); spent > budget {
			return 0
		}
		if parses(prefix) {
			return k + 1
		}
	}
	return 0
}

// parses reports whether data is syntactically valid YAML, all documents.
func parses(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// recordOrigin notes which layer each node comes from. Aliases are not
// followed: their targets are in the same document and recorded there.
func (d *decoder) recordOrigin(n *yaml.Node, layer, depth int) {
	if n == nil || depth > 100 {
		return
	}
	if _, ok := d.origin[n]; ok {
		return
	}
	d.origin[n] = layer
	for _, c := range n.Content {
		d.recordOrigin(c, layer, depth+1)
	}
}

// merge returns base overridden by over, key by key. Neither input is
// modified: merged mappings are new nodes that share their children.
func (d *decoder) merge(base, over *yaml.Node, depth int) *yaml.Node {
	base, over = resolve(base), resolve(over)
	if over.Kind == yaml.ScalarNode && over.ShortTag() == "!!null" {
		return base
	}
	if base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode || depth > 20 {
		return over
	}
	out := *base
	out.Content = slices.Clone(base.Content)
	d.origin[&out] = d.origin[base]
	at := map[string]int{} // key → index of its value in out.Content
	for j := 0; j+1 < len(out.Content); j += 2 {
		if k := out.Content[j]; !isMergeKey(k) {
			if _, dup := at[keyText(k)]; !dup {
				at[keyText(k)] = j + 1
			}
		}
	}
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], over.Content[i+1]
		if j, ok := at[keyText(k)]; ok && !isMergeKey(k) {
			out.Content[j] = d.merge(out.Content[j], v, depth+1)
			continue
		}
		out.Content = append(out.Content, k, v)
	}
	return &out
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func keyText(n *yaml.Node) string {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func isMergeKey(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "<<" && (n.Tag == "" || n.Tag == "!" || n.ShortTag() == "!!merge")
}

// spend takes n from the node budget. When the budget runs out it reports
// that once, and every later problem is dropped: they would be noise.
func (d *decoder) spend(n int, at *yaml.Node) bool {
	if d.exhausted {
		return false
	}
	if d.budget -= n; d.budget >= 0 {
		return true
	}
	// Always fatal, even inside a roster entry: the rest of the document
	// goes undecoded.
	d.entryBad = d.entry > 0
	d.addLayer(d.origin[at], Problem{Line: at.Line, Column: at.Column,
		Message: "document too complex: too many aliases or merge keys"}, true)
	d.exhausted = true
	return false
}

// add records a problem found at node n. Problems inside a roster entry mark
// the entry bad instead of the file.
func (d *decoder) add(n *yaml.Node, path, msg string) {
	if d.exhausted {
		return
	}
	p := Problem{Path: path, Message: msg}
	layer := 0
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
		layer = d.origin[n]
	}
	if d.entry > 0 {
		d.entryBad = true
	}
	d.addLayer(layer, p, d.entry == 0)
}

func (d *decoder) addLayer(layer int, p Problem, fatal bool) {
	if layer < len(d.layers) {
		p.Source = d.layers[layer].Source
	}
	if fatal {
		d.fatal++
	}
	d.problems = append(d.problems, p)
	d.order = append(d.order, layer)
}

// sort orders problems by file, then position, keeping the order of
// problems found at the same place.
func (d *decoder) sort() {
	idx := make([]int, len(d.problems))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		pa, pb := d.problems[a], d.problems[b]
		if d.order[a] != d.order[b] {
			return d.order[a] - d.order[b]
		}
		if pa.Line != pb.Line {
			return pa.Line - pb.Line
		}
		return pa.Column - pb.Column
	})
	out := make([]Problem, len(idx))
	for i, j := range idx {
		out[i] = d.problems[j]
	}
	d.problems = out
}

var (
	dateType     = reflect.TypeFor[Date]()
	durationType = reflect.TypeFor[Duration]()
	weekdayType  = reflect.TypeFor[Weekday]()
)

// value decodes n into v, which is settable. path is the display path
// ("mentees[1].end"), key the schema path used for validation and docs
// ("mentees[].end"). An invalid value leaves v as it was.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path, key string) {
	if !d.spend(1, n) {
		return
	}
	n = resolve(n)
	if n.Kind == yaml.AliasNode {
		d.add(n, path, "alias cycle")
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // null keeps the default
	}
	switch v.Type() {
	case dateType, durationType, weekdayType:
		d.special(n, v, path, key)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.mapping(n, v, path, key)
	case reflect.Slice:
		d.list(n, v, path, key)
	case reflect.String:
		s, ok := d.scalar(n, path, "a string")
		if ok && d.check(n, path, key, s) {
			v.SetString(s)
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			d.add(n, path, fmt.Sprintf("must be true or false, not %s", describe(n)))
			return
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			d.add(n, path, fmt.Sprintf("must be true or false, not %s", describe(n)))
			return
		}
		v.SetBool(b)
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			d.add(n, path, fmt.Sprintf("must be a whole number, not %s", describe(n)))
			return
		}
		var i int
		if err := n.Decode(&i); err != nil {
			d.add(n, path, fmt.Sprintf("number %s is out of range", n.Value))
			return
		}
		if i < 0 {
			d.add(n, path, fmt.Sprintf("must not be negative, got %d", i))
			return
		}
		if d.check(n, path, key, i) {
			v.SetInt(int64(i))
		}
	default:
		// A field of a kind this decoder does not know yet: a programming
		// error, reported rather than panicking.
		d.add(n, path, fmt.Sprintf("cannot decode into %s", v.Type()))
	}
}

func (d *decoder) special(n *yaml.Node, v reflect.Value, path, key string) {
	s, ok := d.scalar(n, path, "a string")
	if !ok {
		return
	}
	var val any
	var err error
	switch v.Type() {
	case dateType:
		val, err = ParseDate(s)
	case durationType:
		val, err = ParseDuration(s)
	case weekdayType:
		val, err = ParseWeekday(s)
	}
	if err != nil {
		d.add(n, path, err.Error())
		return
	}
	if d.check(n, path, key, val) {
		v.Set(reflect.ValueOf(val))
	}
}

// scalar returns the text of a scalar node, or reports that it is not one.
func (d *decoder) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.add(n, path, fmt.Sprintf("must be %s, not %s", want, describe(n)))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) check(n *yaml.Node, path, key string, v any) bool {
	c, ok := checks[key]
	if !ok {
		return true
	}
	if msg := c(v); msg != "" {
		d.add(n, path, msg)
		return false
	}
	return true
}

// pairs returns the key/value pairs of a mapping with YAML merge keys
// ("<<: *base") expanded, explicit keys winning over merged ones.
func (d *decoder) pairs(n *yaml.Node, path string, depth int) [][2]*yaml.Node {
	var own, merged [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !isMergeKey(k) {
			own = append(own, [2]*yaml.Node{k, v})
			continue
		}
		v = resolve(v)
		srcs := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			srcs = v.Content
		}
		for _, s := range srcs {
			s = resolve(s)
			if s.Kind != yaml.MappingNode {
				d.add(k, path, "a merge key (<<) must refer to a mapping")
				continue
			}
			// Merges of merges can multiply; they share the node budget,
			// and nesting them deeply spends it all.
			cost := len(s.Content) / 2
			if depth > 10 {
				cost = d.budget + 1
			}
			if !d.spend(cost, k) {
				return own
			}
			merged = append(merged, d.pairs(s, path, depth+1)...)
		}
	}
	seen := map[string]bool{}
	for _, p := range own {
		seen[keyText(p[0])] = true
	}
	out := own
	for _, p := range merged {
		if !seen[keyText(p[0])] {
			seen[keyText(p[0])] = true
			out = append(out, p)
		}
	}
	return out
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path, key string) {
	if n.Kind != yaml.MappingNode {
		d.add(n, path, fmt.Sprintf("must be a mapping of keys, not %s", describe(n)))
		return
	}
	fields := fieldsOf(v.Type())
	first := map[string]*yaml.Node{}
	for _, kv := range d.pairs(n, path, 0) {
		k, val := resolve(kv[0]), kv[1]
		if k.Kind != yaml.ScalarNode {
			d.add(k, path, fmt.Sprintf("keys must be plain names, not %s", describe(k)))
			continue
		}
		name := k.Value
		if prev, ok := first[name]; ok {
			d.add(k, "", fmt.Sprintf("key %q %s is repeated (first at line %d)", name, where(path), prev.Line))
			continue
		}
		first[name] = k
		f, ok := fields[name]
		if !ok {
			msg := fmt.Sprintf("unknown key %q %s", name, where(path))
			if s := suggest(name, v.Type()); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.add(k, "", msg)
			continue
		}
		d.value(val, v.FieldByIndex(f.Index), join(path, name), join(key, name))
	}
}

func (d *decoder) list(n *yaml.Node, v reflect.Value, path, key string) {
	if n.Kind != yaml.SequenceNode {
		d.add(n, path, fmt.Sprintf("must be a list, not %s", describe(n)))
		return
	}
	if v.Type().Elem() == reflect.TypeFor[Mentee]() {
		d.roster(n, v, path, key)
		return
	}
	out := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	for i, item := range n.Content {
		e := reflect.New(v.Type().Elem()).Elem()
		before := len(d.problems)
		if it := resolve(item); it.Kind == yaml.ScalarNode && it.ShortTag() == "!!null" {
			d.add(item, fmt.Sprintf("%s[%d]", path, i), "empty list item")
			continue
		}
		d.value(item, e, fmt.Sprintf("%s[%d]", path, i), key+"[]")
		if len(d.problems) == before {
			out = reflect.Append(out, e)
		}
	}
	v.Set(out)
}

// roster decodes the mentees list. An entry with any problem is skipped and
// named in Policy.Skipped; the others are kept.
func (d *decoder) roster(n *yaml.Node, v reflect.Value, path, key string) {
	d.rosterAt, d.skipped = nil, nil
	logins := map[string]*yaml.Node{}
	var kept []Mentee
	var skipped []SkippedMentee
	for i, item := range n.Content {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		var m Mentee
		d.entry, d.entryBad = i+1, false
		it := resolve(item)
		if it.Kind == yaml.ScalarNode && it.ShortTag() == "!!null" {
			d.add(item, ipath, "empty roster entry")
		} else {
			d.value(item, reflect.ValueOf(&m).Elem(), ipath, key+"[]")
		}
		if it.Kind == yaml.MappingNode {
			d.entryChecks(it, &m, ipath, logins)
		}
		d.entry = 0
		if d.entryBad {
			login := ""
			if it.Kind == yaml.MappingNode {
				for _, kv := range d.pairs(it, ipath, 0) {
					if keyText(kv[0]) == "login" {
						login = keyText(kv[1])
					}
				}
			}
			skipped = append(skipped, SkippedMentee{Index: i, Login: login, Line: it.Line, Source: d.sourceOf(item)})
			continue
		}
		kept = append(kept, m)
		d.rosterAt = append(d.rosterAt, entryPos{index: i, line: it.Line, source: d.sourceOf(item)})
	}
	v.Set(reflect.ValueOf(kept))
	d.skipped = skipped
}

func where(path string) string {
	if path == "" {
		return "at the top level"
	}
	return "in " + path
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// describe names what a node is, for messages like "must be a list, not a string".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return strconv.Quote(v)
	}
	return "this"
}

// fieldsOf maps the yaml names of a struct's fields to the fields.
func fieldsOf(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for f := range yamlFields(t) {
		out[f.name] = f.StructField
	}
	return out
}

type yamlField struct {
	reflect.StructField
	name string
}

// yamlFields yields the exported fields of t that have a yaml name, in order.
func yamlFields(t reflect.Type) func(func(yamlField) bool) {
	return func(yield func(yamlField) bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" || name == "" {
				continue
			}
			if !yield(yamlField{f, name}) {
				return
			}
		}
	}
}

// suggest returns the known key of t closest to name, if it is close.
func suggest(name string, t reflect.Type) string {
	best, bestD := "", 3
	for f := range yamlFields(t) {
		if dd := distance(strings.ToLower(name), f.name); dd < bestD {
			best, bestD = f.name, dd
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
