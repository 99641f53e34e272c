// Package usertemplate runs the Go text/templates a policy may supply for
// the bot's comments (welcome.message, program.onboarding) so that a broken,
// runaway or hostile template is an error the caller can fall back from,
// never a broken comment and never a stalled process: unknown fields fail,
// empty output fails, output longer than a comment may hold fails, and every
// render has a budget of steps, time and bytes.
//
// Go's text/template has no step limit, and a goroutine spinning in
// Execute cannot be stopped from outside, so the budget is enforced from
// inside the template, by rewriting its parse tree before it runs:
//
//   - every list of nodes (the template's body, each branch, each range
//     iteration, each defined template) first charges the budget for the
//     nodes it holds, and that charge fails once the steps are spent or the
//     context is done (a deadline, the caller's cancellation);
//   - range accepts only slices, arrays and maps (the template's data), never
//     an integer, a function or a channel, so no loop is longer than the data;
//   - every function that builds a string (print, printf, println, html, js,
//     urlquery and the caller's) refuses to build one longer than the output
//     limit and charges the budget for its size, so nesting or repeating them
//     cannot grow a string exponentially;
//   - the output goes through a writer that fails once the limit is passed.
//
// Some templates are refused before they run, with their line: range over
// a number, ranges nested deeper than MaxRangeDepth, and templates that call
// themselves (directly or through others).
package usertemplate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// The budget of one render. A real welcome or checklist uses well under a
// hundred steps and a few microseconds; these bounds leave room for
// templates a hundred times larger while keeping the worst case (a template
// made to spend all of it) at a few milliseconds of CPU.
const (
	// MaxSteps bounds the work of one render: one step per node executed,
	// plus one per 256 bytes of strings built by functions.
	MaxSteps = 10_000
	// MaxTime bounds one render's wall-clock time, under the caller's
	// context.
	MaxTime = 100 * time.Millisecond
	// MaxRangeDepth bounds how deeply range blocks may nest.
	MaxRangeDepth = 3
)

// bytesPerStep is how many bytes of built strings cost one step.
const bytesPerStep = 256

// Names of the functions the rewritten tree calls. A template may not use
// them itself.
const (
	internalPrefix = "mentorbot_"
	stepFunc       = internalPrefix + "step"
	rangeFunc      = internalPrefix + "range"
)

// LimitError is a template stopped or refused because it would exceed its
// budget.
type LimitError struct {
	// Line is the template's line the limit concerns, from 1; 0 when unknown.
	Line int
	// Reason says which limit, e.g. "range over a number".
	Reason string
}

func (e *LimitError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return e.Reason
}

// Render parses src as template name with funcs, executes it on data within
// the budget (MaxSteps, MaxTime, and maxBytes of output) under ctx, and
// checks the result is not empty; what describes the text in errors
// ("welcome", "checklist"). A template over its budget gives a *LimitError.
func Render(ctx context.Context, name, what, src string, funcs template.FuncMap, data any, maxBytes int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, MaxTime)
	defer cancel()
	b := &budget{ctx: ctx, steps: MaxSteps, maxBytes: maxBytes}

	t := template.New(name).Option("missingkey=error").Funcs(b.funcs(funcs))
	if _, err := t.Parse(src); err != nil {
		return "", fmt.Errorf("parse: %w", err)
	}
	if err := instrument(t, b); err != nil {
		return "", err
	}
	out := &limitedWriter{max: maxBytes, what: what}
	if err := t.Execute(out, data); err != nil {
		if b.err != nil {
			return "", b.err
		}
		var le *LimitError
		if errors.As(err, &le) {
			return "", le
		}
		return "", fmt.Errorf("execute: %w", err)
	}
	if strings.TrimSpace(out.b.String()) == "" {
		return "", fmt.Errorf("renders an empty %s", what)
	}
	return out.b.String(), nil
}

// budget is what one render may still spend; the functions of the rewritten
// template charge it.
type budget struct {
	ctx      context.Context
	steps    int
	maxBytes int
	// sites are the nodes of the charge points, by index; their lines are
	// worked out only for a limit hit there, as that costs a scan of the
	// template.
	sites []site
	// err is the first limit hit, kept because text/template wraps the
	// errors of functions in its own words.
	err *LimitError
}

func (b *budget) fail(line int, reason string) error {
	if b.err == nil {
		b.err = &LimitError{Line: line, Reason: reason}
	}
	return b.err
}

type site struct {
	tree *parse.Tree
	node parse.Node
}

// line is the template line of charge point i; 0 when unknown.
func (b *budget) line(i int) int {
	if i < 0 || i >= len(b.sites) {
		return 0
	}
	return line(b.sites[i].tree, b.sites[i].node)
}

// step charges n steps for the list at charge point site.
func (b *budget) step(n, site int) (string, error) {
	if err := b.ctx.Err(); err != nil {
		line := b.line(site)
		if errors.Is(err, context.DeadlineExceeded) {
			return "", b.fail(line, fmt.Sprintf("takes longer than %v to render", MaxTime))
		}
		return "", b.fail(line, "rendering cancelled: "+err.Error())
	}
	b.steps -= n
	if b.steps < 0 {
		return "", b.fail(b.line(site), fmt.Sprintf("takes more than %d steps to render", MaxSteps))
	}
	return "", nil
}

// built charges for a string of n bytes a function is about to build or
// has built, and refuses one longer than the output limit.
func (b *budget) built(fn string, n int) error {
	if n > b.maxBytes {
		return b.fail(0, fmt.Sprintf("%s builds a string of more than %d characters", fn, b.maxBytes))
	}
	_, err := b.step(n/bytesPerStep, -1)
	return err
}

// rangeable lets range iterate only over what has a length known before the
// loop starts and bounded by the data: slices, arrays and maps.
func (b *budget) rangeable(site int, v any) (any, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Invalid, reflect.Slice, reflect.Array, reflect.Map:
		return v, nil
	}
	what := "a " + rv.Kind().String()
	switch {
	case rv.CanInt() || rv.CanUint():
		what = "an integer"
	case rv.Kind() == reflect.Func:
		what = "a function"
	case rv.Kind() == reflect.Chan:
		what = "a channel"
	}
	return nil, b.fail(b.line(site), "range over "+what+" is not allowed, only over lists and maps")
}

// funcs returns the template's functions: the caller's, and the
// string-building built-ins, each wrapped to refuse oversized strings and
// charge the budget; plus the internal functions the rewrite calls.
func (b *budget) funcs(user template.FuncMap) template.FuncMap {
	fm := template.FuncMap{
		stepFunc:  b.step,
		rangeFunc: b.rangeable,
		"print": func(args ...any) (string, error) {
			if err := b.built("print", argBytes(args)); err != nil {
				return "", err
			}
			s := fmt.Sprint(args...)
			return s, b.built("print", len(s))
		},
		"println": func(args ...any) (string, error) {
			if err := b.built("println", argBytes(args)+len(args)); err != nil {
				return "", err
			}
			s := fmt.Sprintln(args...)
			return s, b.built("println", len(s))
		},
		"printf": func(format string, args ...any) (string, error) {
			pad, err := formatPadding(format)
			if err != nil {
				return "", b.fail(0, "printf: "+err.Error())
			}
			if err := b.built("printf", len(format)+pad+argBytes(args)); err != nil {
				return "", err
			}
			s := fmt.Sprintf(format, args...)
			return s, b.built("printf", len(s))
		},
		// The escapers grow their input at most sixfold; the input is
		// already bounded, the output is checked.
		"html":     b.escaper("html", template.HTMLEscaper),
		"js":       b.escaper("js", template.JSEscaper),
		"urlquery": b.escaper("urlquery", template.URLQueryEscaper),
		// call runs a function value from the data, beyond the budget's
		// reach; templates have no use for it.
		"call": func(...any) (string, error) { return "", b.fail(0, "call is not allowed") },
	}
	for name, fn := range user {
		fm[name] = b.wrap(name, fn)
	}
	return fm
}

func (b *budget) escaper(name string, esc func(...any) string) func(...any) (string, error) {
	return func(args ...any) (string, error) {
		if err := b.built(name, argBytes(args)); err != nil {
			return "", err
		}
		s := esc(args...)
		return s, b.built(name, len(s))
	}
}

// wrap makes fn (a caller's template function) charge the budget for the
// strings it returns and refuse ones over the limit; a function returning
// one string gains an error result for that.
func (b *budget) wrap(name string, fn any) any {
	v := reflect.ValueOf(fn)
	t := v.Type()
	if t.Kind() != reflect.Func || t.NumOut() == 0 || t.Out(0).Kind() != reflect.String {
		return fn
	}
	errType := reflect.TypeFor[error]()
	out := []reflect.Type{t.Out(0), errType}
	in := make([]reflect.Type, t.NumIn())
	for i := range in {
		in[i] = t.In(i)
	}
	wt := reflect.FuncOf(in, out, t.IsVariadic())
	return reflect.MakeFunc(wt, func(args []reflect.Value) []reflect.Value {
		var res []reflect.Value
		if t.IsVariadic() {
			res = v.CallSlice(args)
		} else {
			res = v.Call(args)
		}
		errv := reflect.Zero(errType)
		if len(res) > 1 && !res[1].IsNil() {
			errv = res[1]
		} else if err := b.built(name, res[0].Len()); err != nil {
			errv = reflect.ValueOf(&err).Elem()
		}
		return []reflect.Value{res[0], errv}
	}).Interface()
}

// argBytes is the length of the string arguments, what print and the
// escapers copy into their result.
func argBytes(args []any) int {
	n := 0
	for _, a := range args {
		if s, ok := a.(string); ok {
			n += len(s)
		}
	}
	return n
}

// formatPadding sums the widths and precisions a printf format asks for,
// which fmt allocates before anything is written (up to a million bytes
// each). A width or precision taken from an argument (*) is refused.
func formatPadding(format string) (int, error) {
	total := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		for i++; i < len(format); i++ {
			c := format[i]
			switch {
			case c == '*':
				return 0, errors.New("a width or precision from an argument (*) is not allowed")
			case c >= '0' && c <= '9':
				n := 0
				for ; i < len(format) && format[i] >= '0' && format[i] <= '9'; i++ {
					if n < 1e7 {
						n = n*10 + int(format[i]-'0')
					}
				}
				total += n
				i--
				continue
			case strings.IndexByte("+-# .[]", c) >= 0:
				continue
			}
			break // the verb
		}
	}
	return total, nil
}

// limitedWriter keeps the output and fails once it passes max bytes, which
// stops Execute there.
type limitedWriter struct {
	b    bytes.Buffer
	max  int
	what string
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	if w.b.Len()+len(p) > w.max {
		return 0, &LimitError{Reason: fmt.Sprintf("renders more than the %d characters a %s may hold", w.max, w.what)}
	}
	return w.b.Write(p)
}

// instrument checks the parsed templates against the rules that need no
// running, then rewrites them so they charge b as they run.
func instrument(t *template.Template, b *budget) error {
	trees := map[string]*parse.Tree{}
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			trees[tt.Name()] = tt.Tree
		}
	}
	for _, name := range sortedNames(t.Name(), trees) {
		tr := trees[name]
		c := checker{tree: tr}
		if err := c.list(tr.Root, 0); err != nil {
			return err
		}
	}
	if err := noRecursion(trees); err != nil {
		return err
	}
	for _, name := range sortedNames(t.Name(), trees) {
		tr := trees[name]
		r := rewriter{tree: tr, b: b}
		r.list(tr.Root, tr.Root)
	}
	return nil
}

// sortedNames lists the trees with first (the template itself) first and the
// others sorted, so the problem reported is the same on every run.
func sortedNames(first string, trees map[string]*parse.Tree) []string {
	var names []string
	if _, ok := trees[first]; ok {
		names = append(names, first)
	}
	for _, n := range slices.Sorted(maps.Keys(trees)) {
		if n != first {
			names = append(names, n)
		}
	}
	return names
}

// line is the template line of node n.
func line(tr *parse.Tree, n parse.Node) int {
	loc, _ := tr.ErrorContext(n)
	// loc is "name:line:col"; the name may hold colons, so count from
	// the end.
	parts := strings.Split(loc, ":")
	if len(parts) < 3 {
		return 0
	}
	var l int
	if _, err := fmt.Sscan(parts[len(parts)-2], &l); err != nil {
		return 0
	}
	return l
}

// checker walks one tree for what is refused before running.
type checker struct{ tree *parse.Tree }

func (c checker) refuse(n parse.Node, reason string) error {
	return &LimitError{Line: line(c.tree, n), Reason: reason}
}

func (c checker) list(l *parse.ListNode, depth int) error {
	if l == nil {
		return nil
	}
	for _, n := range l.Nodes {
		if err := c.node(n, depth); err != nil {
			return err
		}
	}
	return nil
}

func (c checker) node(n parse.Node, depth int) error {
	switch n := n.(type) {
	case *parse.ActionNode:
		return c.pipe(n, n.Pipe)
	case *parse.IfNode:
		return c.branch(n, &n.BranchNode, depth)
	case *parse.WithNode:
		return c.branch(n, &n.BranchNode, depth)
	case *parse.RangeNode:
		if depth+1 > MaxRangeDepth {
			return c.refuse(n, fmt.Sprintf("range blocks nested more than %d deep", MaxRangeDepth))
		}
		if p := n.Pipe; p != nil && len(p.Cmds) > 0 {
			last := p.Cmds[len(p.Cmds)-1]
			if len(last.Args) == 1 && last.Args[0].Type() == parse.NodeNumber {
				return c.refuse(n, "range over a number is not allowed, only over lists and maps")
			}
		}
		return c.branch(n, &n.BranchNode, depth+1)
	case *parse.TemplateNode:
		return c.pipe(n, n.Pipe)
	}
	return nil
}

func (c checker) branch(n parse.Node, b *parse.BranchNode, depth int) error {
	if err := c.pipe(n, b.Pipe); err != nil {
		return err
	}
	if err := c.list(b.List, depth); err != nil {
		return err
	}
	return c.list(b.ElseList, depth)
}

// pipe refuses the functions only the rewrite may call.
func (c checker) pipe(at parse.Node, p *parse.PipeNode) error {
	if p == nil {
		return nil
	}
	for _, cmd := range p.Cmds {
		for _, a := range cmd.Args {
			switch a := a.(type) {
			case *parse.IdentifierNode:
				if strings.HasPrefix(a.Ident, internalPrefix) {
					return c.refuse(at, fmt.Sprintf("function %q is reserved", a.Ident))
				}
			case *parse.PipeNode:
				if err := c.pipe(at, a); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// noRecursion refuses a template that calls itself, directly or through
// others: each call would be cheap, but the calls have no end.
func noRecursion(trees map[string]*parse.Tree) error {
	calls := map[string][]*parse.TemplateNode{}
	for name, tr := range trees {
		var walk func(l *parse.ListNode)
		walk = func(l *parse.ListNode) {
			if l == nil {
				return
			}
			for _, n := range l.Nodes {
				switch n := n.(type) {
				case *parse.TemplateNode:
					calls[name] = append(calls[name], n)
				case *parse.IfNode:
					walk(n.List)
					walk(n.ElseList)
				case *parse.WithNode:
					walk(n.List)
					walk(n.ElseList)
				case *parse.RangeNode:
					walk(n.List)
					walk(n.ElseList)
				}
			}
		}
		walk(tr.Root)
	}
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var visit func(name string) error
	visit = func(name string) error {
		state[name] = active
		for _, call := range calls[name] {
			switch state[call.Name] {
			case active:
				return &LimitError{Line: line(trees[name], call), Reason: fmt.Sprintf("template %q calls itself", call.Name)}
			case unseen:
				if err := visit(call.Name); err != nil {
					return err
				}
			}
		}
		state[name] = done
		return nil
	}
	for _, n := range slices.Sorted(maps.Keys(trees)) {
		if state[n] == unseen {
			if err := visit(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// rewriter inserts the charge points into one tree.
type rewriter struct {
	tree *parse.Tree
	b    *budget
}

// list makes l charge, when it starts, for the nodes it holds; owner is the
// node whose line a limit hit there is reported at.
func (r rewriter) list(l *parse.ListNode, owner parse.Node) {
	if l == nil {
		return
	}
	weight := 1
	for _, n := range l.Nodes {
		weight += cost(n)
		switch n := n.(type) {
		case *parse.IfNode:
			r.list(n.List, n)
			r.list(n.ElseList, n)
		case *parse.WithNode:
			r.list(n.List, n)
			r.list(n.ElseList, n)
		case *parse.RangeNode:
			r.guardRange(n)
			r.list(n.List, n)
			r.list(n.ElseList, n)
		}
	}
	site := r.site(owner)
	l.Nodes = append([]parse.Node{r.action(l.Position(), r.ident(stepFunc, l.Position()), r.number(weight, l.Position()), r.number(site, l.Position()))}, l.Nodes...)
}

// guardRange passes the range's value through rangeFunc, which lets only
// lists and maps through.
func (r rewriter) guardRange(n *parse.RangeNode) {
	if n.Pipe == nil {
		return
	}
	pos := n.Position()
	n.Pipe.Cmds = append(n.Pipe.Cmds, &parse.CommandNode{
		NodeType: parse.NodeCommand, Pos: pos,
		Args: []parse.Node{r.ident(rangeFunc, pos), r.number(r.site(n), pos)},
	})
}

func (r rewriter) site(owner parse.Node) int {
	r.b.sites = append(r.b.sites, site{tree: r.tree, node: owner})
	return len(r.b.sites) - 1
}

func (r rewriter) ident(name string, pos parse.Pos) *parse.IdentifierNode {
	return parse.NewIdentifier(name).SetTree(r.tree).SetPos(pos)
}

func (r rewriter) number(n int, pos parse.Pos) *parse.NumberNode {
	return &parse.NumberNode{NodeType: parse.NodeNumber, Pos: pos, IsInt: true, Int64: int64(n), Text: fmt.Sprint(n)}
}

func (r rewriter) action(pos parse.Pos, args ...parse.Node) *parse.ActionNode {
	return &parse.ActionNode{
		NodeType: parse.NodeAction, Pos: pos,
		Pipe: &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Cmds: []*parse.CommandNode{{NodeType: parse.NodeCommand, Pos: pos, Args: args}}},
	}
}

// cost is what executing node n costs, apart from the lists inside it,
// which charge for themselves: one step, plus one per argument.
func cost(n parse.Node) int {
	c := 1
	var pipe *parse.PipeNode
	switch n := n.(type) {
	case *parse.ActionNode:
		pipe = n.Pipe
	case *parse.IfNode:
		pipe = n.Pipe
	case *parse.WithNode:
		pipe = n.Pipe
	case *parse.RangeNode:
		pipe = n.Pipe
	case *parse.TemplateNode:
		pipe = n.Pipe
	}
	if pipe != nil {
		for _, cmd := range pipe.Cmds {
			c += len(cmd.Args)
		}
	}
	return c
}
