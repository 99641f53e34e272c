package writeonce

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// writeMethods are go-github's calls that create, edit or delete comments
// and issues. Only this package may call them: every write of bot text
// goes through the find-write-settle rule.
var writeMethods = map[string]bool{"CreateComment": true, "EditComment": true, "DeleteComment": true, "Create": true, "Edit": true}

// allowed are the packages that may call them: this one, and the simulator
// (which serves them, and whose own tests call them).
var allowed = map[string]bool{
	"github.com/thanos-community/mentorbot/pkg/writeonce": true,
	"github.com/thanos-community/mentorbot/pkg/githubsim": true,
}

// The module is type-checked from the compiler's export data, so a call is
// found however it is spelled: c.Issues.CreateComment, a variable holding
// c.Issues, a method value, or a job's own interface with the same call.
func TestNoOtherPackageWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the whole module")
	}
	var found []string
	for _, p := range modulePackages(t) {
		if allowed[p.path] {
			continue
		}
		found = append(found, writeCalls(t, p)...)
	}
	sort.Strings(found)
	if len(found) > 0 {
		t.Errorf("only pkg/writeonce may create, edit or delete comments and issues; found:\n%s", strings.Join(found, "\n"))
	}
}

type pkg struct {
	path, dir string
	files     []string
	exports   map[string]string
}

func goList(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

func modulePackages(t *testing.T) []pkg {
	exports := map[string]string{}
	for _, line := range strings.Split(goList(t, "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", "./..."), "\n") {
		if path, file, ok := strings.Cut(line, "\t"); ok && file != "" {
			exports[path] = file
		}
	}
	var out []pkg
	for _, line := range strings.Split(strings.TrimSpace(goList(t, "-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \" \"}}", "./...")), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 || f[2] == "" {
			continue
		}
		out = append(out, pkg{path: f[0], dir: f[1], files: strings.Fields(f[2]), exports: exports})
	}
	if len(out) < 10 {
		t.Fatalf("go list found only %d packages", len(out))
	}
	return out
}

// writeCalls type-checks p (without its tests) and returns every use of a
// write method whose signature takes go-github's comment or issue request.
func writeCalls(t *testing.T, p pkg) []string {
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range p.files {
		f, err := parser.ParseFile(fset, filepath.Join(p.dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := p.exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
	info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
	if _, err := (&types.Config{Importer: imp}).Check(p.path, fset, files, info); err != nil {
		t.Fatalf("type-check %s: %v", p.path, err)
	}
	var out []string
	for sel, s := range info.Selections {
		if s.Kind() == types.FieldVal || !writeMethods[sel.Sel.Name] {
			continue
		}
		if isGitHubWrite(sel.Sel.Name, s) {
			pos := fset.Position(sel.Pos())
			if root, err := filepath.Abs(filepath.Join("..", "..")); err == nil {
				if rel, err := filepath.Rel(root, pos.Filename); err == nil {
					pos.Filename = rel
				}
			}
			out = append(out, fmt.Sprintf("%s: %s", pos, sel.Sel.Name))
		}
	}
	return out
}

// isGitHubWrite reports whether s selects one of go-github's comment and
// issue writes, or an interface method shaped like one: it takes a
// *github.IssueComment or *github.IssueRequest, or it deletes a comment of
// an issue.
func isGitHubWrite(name string, s *types.Selection) bool {
	sig := s.Obj().Type().(*types.Signature)
	for i := 0; i < sig.Params().Len(); i++ {
		switch strings.TrimPrefix(types.TypeString(sig.Params().At(i).Type(), nil), "*") {
		case "github.com/google/go-github/v60/github.IssueComment", "github.com/google/go-github/v60/github.IssueRequest":
			return true
		}
	}
	if name != "DeleteComment" {
		return false
	}
	recv := s.Recv()
	_, isInterface := recv.Underlying().(*types.Interface)
	return isInterface || strings.HasSuffix(types.TypeString(recv, nil), "github.IssuesService")
}
