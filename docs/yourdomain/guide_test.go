package yourdomain

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// guide is the guide, from the repository's root.
const guide = "docs/your-domain.md"

// block is one fenced code block of a Markdown file.
type block struct {
	line int    // the line of its opening fence, from 1
	lang string // the first word of its info string
	file string // file=PATH: the file it quotes, from the repository's root
	decl string // decl=NAME: the declaration of the file it quotes; "" for all of it
	text string // its contents
}

// quotes names what b quotes: a file, or a declaration in a file.
func (b block) quotes() string {
	if b.decl == "" {
		return b.file
	}
	return b.decl + " in " + b.file
}

// blocks returns the fenced code blocks of md, or an error for a fence
// that is not closed or a Go block that names no file.
func blocks(md []byte) ([]block, error) {
	var out []block
	var cur *block
	var body []string
	for i, line := range strings.Split(string(md), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			fields := strings.Fields(strings.TrimPrefix(line, "```"))
			cur = &block{line: i + 1}
			for j, f := range fields {
				key, value, _ := strings.Cut(f, "=")
				switch {
				case j == 0:
					cur.lang = f
				case key == "file":
					cur.file = value
				case key == "decl":
					cur.decl = value
				}
			}
			body = nil
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.text = strings.Join(body, "\n")
			if cur.lang == "go" && cur.file == "" {
				return nil, fmt.Errorf("line %d: a Go block must name the file it quotes (```go file=PATH [decl=NAME])", cur.line)
			}
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, line)
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: the block is not closed", cur.line)
	}
	return out, nil
}

// quoted returns what b should hold: the file, or the source of its
// declaration b.decl with the declaration's doc comment.
func quoted(root string, b block) (string, error) {
	src, err := os.ReadFile(filepath.Join(root, b.file))
	if err != nil {
		return "", err
	}
	if b.decl == "" {
		return strings.TrimSuffix(string(src), "\n"), nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, b.file, src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		if declName(d) == b.decl {
			start := d.Pos()
			if doc := declDoc(d); doc != nil {
				start = doc.Pos()
			}
			return string(src[fset.Position(start).Offset:fset.Position(d.End()).Offset]), nil
		}
	}
	return "", fmt.Errorf("%s declares no %s", b.file, b.decl)
}

// declName names a top-level declaration: a function, Type.Method, or the
// first name a const, var or type declaration declares.
func declName(d ast.Decl) string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil || len(d.Recv.List) == 0 {
			return d.Name.Name
		}
		t := d.Recv.List[0].Type
		if star, ok := t.(*ast.StarExpr); ok {
			t = star.X
		}
		if id, ok := t.(*ast.Ident); ok {
			return id.Name + "." + d.Name.Name
		}
	case *ast.GenDecl:
		switch s := d.Specs[0].(type) {
		case *ast.TypeSpec:
			return s.Name.Name
		case *ast.ValueSpec:
			return s.Names[0].Name
		}
	}
	return ""
}

func declDoc(d ast.Decl) *ast.CommentGroup {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return d.Doc
	case *ast.GenDecl:
		return d.Doc
	}
	return nil
}

// check compares every Go block of md with what it quotes, and returns
// the blocks that quote a whole file.
func check(root string, md []byte) (whole []string, err error) {
	bs, err := blocks(md)
	if err != nil {
		return nil, err
	}
	var errs []string
	for _, b := range bs {
		if b.lang != "go" {
			continue
		}
		want, err := quoted(root, b)
		if err != nil {
			errs = append(errs, fmt.Sprintf("line %d: %v", b.line, err))
			continue
		}
		if d := firstDifference(b.text, want); d != "" {
			errs = append(errs, fmt.Sprintf("line %d: the block differs from %s: %s", b.line, b.quotes(), d))
		}
		if b.decl == "" {
			whole = append(whole, b.file)
		}
	}
	if len(errs) > 0 {
		return whole, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return whole, nil
}

// firstDifference describes the first line where got and want differ, or
// returns "" when they are the same.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return fmt.Sprintf("its line %d is %q, the code's is %q", i+1, gl, wl)
		}
	}
	return ""
}

// repoRoot is the repository's root, from the package's directory, where
// go test runs the test.
const repoRoot = "../.."

// TestGuideQuotesTheCode checks that every Go block of the guide is the
// code it names, and that the guide shows every file of the domain and of
// its Lambda main whole.
func TestGuideQuotesTheCode(t *testing.T) {
	root := repoRoot
	md, err := os.ReadFile(filepath.Join(root, guide))
	if err != nil {
		t.Fatal(err)
	}
	whole, err := check(root, md)
	if err != nil {
		t.Fatalf("%s does not quote the code as it is; change the guide or the code so that they agree:\n%v", guide, err)
	}
	for _, dir := range []string{"docs/yourdomain/parcels", "docs/yourdomain/lambda"} {
		files, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			rel, _ := filepath.Rel(root, f)
			rel = filepath.ToSlash(rel)
			if !strings.HasSuffix(rel, "_test.go") && !slices.Contains(whole, rel) {
				t.Errorf("%s does not show %s; add it as a block ```go file=%s", guide, rel, rel)
			}
		}
	}
}

// TestCheckFindsADrift changes one line of each Go block of the guide in
// turn, and a declaration's name, and checks that check reports each.
func TestCheckFindsADrift(t *testing.T) {
	root := repoRoot
	md, err := os.ReadFile(filepath.Join(root, guide))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := blocks(md)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range bs {
		if b.lang != "go" {
			continue
		}
		n++
		lines := strings.Split(string(md), "\n")
		last := b.line + strings.Count(b.text, "\n") // the block's last line, from 0
		lines[last] += " // drift"
		if _, err := check(root, []byte(strings.Join(lines, "\n"))); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("line %d:", b.line)) {
			t.Errorf("a change to the block at line %d (%s) went unreported: %v", b.line, b.quotes(), err)
		}
	}
	if n < 5 {
		t.Fatalf("the guide has %d Go blocks; it shows at least the domain's four files and its Lambda main", n)
	}
	if _, err := check(root, []byte("```go file=docs/yourdomain/parcels/decide.go decl=Domain.Decides\n```\n")); err == nil {
		t.Error("a block quoting a declaration that does not exist went unreported")
	}
	if _, err := check(root, []byte("```go\nfunc main() {}\n```\n")); err == nil {
		t.Error("a Go block that names no file went unreported")
	}
}
