package mdblock

import "testing"

func TestSplitIndent(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		rest string
	}{
		{"abc", 0, "abc"}, {"   abc", 3, "abc"}, {"\tabc", 4, "abc"}, {"  \tabc", 4, "abc"}, {"     ", 5, ""},
	}
	for _, tc := range tests {
		if w, rest := SplitIndent(tc.in); w != tc.w || rest != tc.rest {
			t.Errorf("SplitIndent(%q) = %d, %q; want %d, %q", tc.in, w, rest, tc.w, tc.rest)
		}
	}
}

func TestFence(t *testing.T) {
	tests := []struct {
		open     string
		ok       bool
		info     string
		closes   string
		isClosed bool
	}{
		{"```", true, "", "```", true},
		{"```go", true, "go", "````", true},
		{"````markdown", true, "markdown", "```", false},
		{"~~~", true, "", "~~~  ", true},
		{"~~~", true, "", "```", false},
		{"``", false, "", "", false},
		{"```a`b", false, "", "", false},
		{"```", true, "", "    ```", false},
	}
	for _, tc := range tests {
		f, info, ok := FenceAt(tc.open)
		if ok != tc.ok || info != tc.info {
			t.Errorf("FenceAt(%q) = %v, %q; want %v, %q", tc.open, ok, info, tc.ok, tc.info)
			continue
		}
		if ok && f.ClosedBy(tc.closes) != tc.isClosed {
			t.Errorf("fence %q closed by %q = %v, want %v", tc.open, tc.closes, !tc.isClosed, tc.isClosed)
		}
	}
}

func TestBlocks(t *testing.T) {
	for in, want := range map[string]bool{"---": true, "* * *": true, "__ _": true, "--": false, "-*-": false} {
		if IsThematicBreak(in) != want {
			t.Errorf("IsThematicBreak(%q) != %v", in, want)
		}
	}
	for in, want := range map[string]string{"- a": " a", "12) b": " b", "3. c": " c", "-a": "", "1.x": "", "x": ""} {
		got, ok := CutListMarker(in)
		if (want != "") != ok || got != want {
			t.Errorf("CutListMarker(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
