package dashboard

import (
	"fmt"
	"strconv"
	"strings"
)

// Chart is one mermaid xychart-beta chart: categories on the x axis and
// one or more series of values, drawn as bars or lines. GitHub renders
// ```mermaid blocks in issues.
type Chart struct {
	Title  string
	XAxis  []string
	YLabel string
	Series []Series
}

// Series is one bar or line of a Chart.
type Series struct {
	Line   bool // else a bar
	Values []float64
}

// Mermaid renders the chart as a fenced ```mermaid block. Titles and
// categories are quoted; quotes in them are dropped, as the syntax has no
// escape for them.
func (c Chart) Mermaid() string {
	var b strings.Builder
	b.WriteString("```mermaid\nxychart-beta\n")
	fmt.Fprintf(&b, "    title %s\n", quote(c.Title))
	xs := make([]string, len(c.XAxis))
	for i, x := range c.XAxis {
		xs[i] = quote(x)
	}
	fmt.Fprintf(&b, "    x-axis [%s]\n", strings.Join(xs, ", "))
	top := 1.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			top = max(top, v)
		}
	}
	fmt.Fprintf(&b, "    y-axis %s 0 --> %s\n", quote(c.YLabel), number(niceCeil(top)))
	for _, s := range c.Series {
		kind := "bar"
		if s.Line {
			kind = "line"
		}
		vs := make([]string, len(s.Values))
		for i, v := range s.Values {
			vs[i] = number(v)
		}
		fmt.Fprintf(&b, "    %s [%s]\n", kind, strings.Join(vs, ", "))
	}
	b.WriteString("```\n")
	return b.String()
}

func quote(s string) string {
	return `"` + strings.Join(strings.Fields(strings.NewReplacer(`"`, "", "`", "").Replace(s)), " ") + `"`
}

func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// niceCeil rounds the axis top up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
