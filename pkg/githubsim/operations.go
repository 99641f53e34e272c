package githubsim

import (
	"bufio"
	_ "embed" // operations.tsv
	"fmt"
	"net/url"
	"strings"
)

// operationsTSV is GitHub's list of REST operations, derived from its OpenAPI
// description by scripts/genops.
//
//go:embed operations.tsv
var operationsTSV string

// operation is one line of operations.tsv.
type operation struct {
	Method, Path, ID string
	segs             []string
}

// opTable matches requests against the operations.
type opTable struct {
	byMethod map[string][]operation
	ids      map[string]bool
}

func loadOperations() (*opTable, error) {
	t := &opTable{byMethod: map[string][]operation{}, ids: map[string]bool{}}
	sc := bufio.NewScanner(strings.NewReader(operationsTSV))
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("operations.tsv:%d: want 3 tab-separated fields, got %d", line, len(f))
		}
		op := operation{Method: f[0], Path: f[1], ID: f[2], segs: strings.Split(strings.Trim(f[1], "/"), "/")}
		t.byMethod[op.Method] = append(t.byMethod[op.Method], op)
		t.ids[op.ID] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read operations.tsv: %w", err)
	}
	return t, nil
}

func (t *opTable) hasID(id string) bool { return t.ids[id] }

// greedy names the parameters that may span several segments when they end
// a template, such as a file path in /repos/{owner}/{repo}/contents/{path}.
var greedy = map[string]bool{"path": true, "ref": true}

// match finds the operation for method and an escaped path. Each segment is
// unescaped on its own, so a label named "a/b" arrives as one segment "a%2Fb".
// When several templates match, literal segments win over parameters,
// leftmost first (so /issues/comments beats /issues/{issue_number}).
func (t *opTable) match(method, escapedPath string) (operation, map[string]string, bool) {
	// A trailing slash is an empty last segment: only a greedy parameter
	// such as the {path} of contents accepts it (the repository root).
	raw := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		u, err := url.PathUnescape(r)
		if err != nil {
			return operation{}, nil, false
		}
		segs[i] = u
	}
	var best operation
	var bestParams map[string]string
	var bestScore []bool
	found := false
	for _, op := range t.byMethod[method] {
		params, score, ok := matchSegs(op.segs, segs)
		if !ok {
			continue
		}
		if !found || better(score, bestScore) {
			best, bestParams, bestScore, found = op, params, score, true
		}
	}
	return best, bestParams, found
}

// matchSegs matches template segments against path segments; score[i]
// says whether segment i matched a literal.
func matchSegs(tmpl, segs []string) (map[string]string, []bool, bool) {
	params := map[string]string{}
	score := make([]bool, 0, len(tmpl))
	for i, ts := range tmpl {
		if i >= len(segs) {
			return nil, nil, false
		}
		if strings.HasPrefix(ts, "{") && strings.HasSuffix(ts, "}") {
			name := ts[1 : len(ts)-1]
			if i == len(tmpl)-1 && greedy[name] && len(segs) > len(tmpl) {
				for _, s := range segs[i:] {
					if s == "" {
						return nil, nil, false
					}
				}
				params[name] = strings.Join(segs[i:], "/")
				score = append(score, false)
				return params, score, true
			}
			if segs[i] == "" && !(greedy[name] && i == len(tmpl)-1 && i > 0) {
				return nil, nil, false
			}
			params[name] = segs[i]
			score = append(score, false)
			continue
		}
		if ts != segs[i] {
			return nil, nil, false
		}
		score = append(score, true)
	}
	if len(segs) != len(tmpl) {
		return nil, nil, false
	}
	return params, score, true
}

func better(a, b []bool) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return len(a) > len(b)
}
