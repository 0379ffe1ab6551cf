package app

import (
	"context"
	"sort"
	"strings"
)

// maxSimilar is the most names Similar returns.
const maxSimilar = 3

// Similar returns the names among known that typed may have meant,
// nearest first (at most three): those a few edits away from it (one edit
// for every three letters, at least two; case ignored) and those that
// start with it or that it starts with. A front end offers them when a
// name does not exist ("did you mean ...?").
func Similar(typed string, known []string) []string {
	t := strings.ToLower(typed)
	limit := max(2, len([]rune(t))/3)
	type near struct {
		name string
		d    int
	}
	var found []near
	for _, k := range known {
		l := strings.ToLower(k)
		if l == t && k == typed {
			continue
		}
		d := editDistance(t, l)
		switch {
		case d <= limit:
		case t != "" && (strings.HasPrefix(l, t) || strings.HasPrefix(t, l)):
		default:
			continue
		}
		found = append(found, near{k, d})
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].name < found[j].name
	})
	out := []string{}
	for _, n := range found {
		if len(out) == maxSimilar {
			break
		}
		out = append(out, n.name)
	}
	return out
}

// editDistance is the Levenshtein distance of a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// SimilarConnections returns the names of the saved connections that name
// may have meant (Similar); none when there are none or the store cannot
// be read.
func (a *App) SimilarConnections(ctx context.Context, name string) []string {
	list, err := a.Connections(ctx)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(list))
	for _, c := range list {
		names = append(names, c.Name)
	}
	return Similar(name, names)
}
