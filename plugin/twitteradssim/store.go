package twitteradssim

import (
	"slices"
	"sync"
)

// store holds the entities: seeded ones computed on demand plus an
// overlay of everything written since the server started.
//
// Entities of a kind in an account have positions: seeded ones 0..n-1,
// created ones n, n+1, ... in order of creation. Positions never change
// and are never reused (a delete only marks the entity deleted), so a
// cursor that is a position pages stably: nothing is repeated or skipped.
type store struct {
	mu      sync.Mutex
	seed    uint64
	codec   codec
	sz      sizes
	overlay map[bucketKey]*bucket
}

type bucketKey struct {
	kind    kind
	account int
}

type bucket struct {
	created  uint32            // entities created so far
	records  map[uint32]entity // written entities by position
	children map[string][]uint32
}

func newStore(seed int64, sz sizes) *store {
	return &store{seed: uint64(seed), codec: newCodec(seed), sz: sz, overlay: map[bucketKey]*bucket{}}
}

// seededCount is how many seeded entities of a kind an account holds.
func (st *store) seededCount(k kind) uint32 {
	s := st.sz
	switch k {
	case kindAccount:
		return uint32(s.accounts)
	case kindCampaign:
		return uint32(s.campaigns)
	case kindLineItem:
		return uint32(s.campaigns * s.lineItems)
	case kindPromotedTweet:
		return uint32(s.campaigns * s.lineItems * s.promotedTweets)
	case kindFundingInstrument:
		return uint32(s.fundingInstruments)
	}
	return 0
}

func (st *store) bucketLocked(k kind, acct int, create bool) *bucket {
	key := bucketKey{k, acct}
	b := st.overlay[key]
	if b == nil && create {
		b = &bucket{records: map[uint32]entity{}, children: map[string][]uint32{}}
		st.overlay[key] = b
	}
	return b
}

// endLocked is one past the last position in use.
func (st *store) endLocked(k kind, acct int) uint32 {
	n := st.seededCount(k)
	if b := st.bucketLocked(k, acct, false); b != nil {
		n += b.created
	}
	return n
}

// getLocked returns the entity at a position, deleted or not.
func (st *store) getLocked(k kind, acct int, pos uint32) (entity, bool) {
	if b := st.bucketLocked(k, acct, false); b != nil {
		if e, ok := b.records[pos]; ok {
			return e, true
		}
	}
	if pos < st.seededCount(k) {
		return st.seeded(k, acct, pos), true
	}
	return nil, false
}

// lookupLocked resolves an id of kind k in account acct.
func (st *store) lookupLocked(k kind, acct int, id string) (entity, uint32, bool) {
	r, ok := st.codec.decode(id)
	if !ok || r.kind != k || r.account != acct {
		return nil, 0, false
	}
	e, ok := st.getLocked(k, acct, r.pos)
	return e, r.pos, ok
}

// putLocked stores a written entity; e must not be changed afterwards.
func (st *store) putLocked(k kind, acct int, pos uint32, e entity) {
	st.bucketLocked(k, acct, true).records[pos] = e
}

// createLocked gives e the next position and id of its kind and stores it.
func (st *store) createLocked(sp *spec, acct int, e entity) entity {
	b := st.bucketLocked(sp.kind, acct, true)
	pos := st.seededCount(sp.kind) + b.created
	b.created++
	e["id"] = st.id(sp.kind, acct, pos)
	b.records[pos] = e
	if sp.parentField != "" {
		p, _ := e[sp.parentField].(string)
		b.children[p] = append(b.children[p], pos)
	}
	return e
}

// listing selects entities of a kind for a list endpoint.
type listing struct {
	kind        kind
	account     int
	positions   []uint32 // sorted; nil means all positions
	from        uint32   // first position to return
	count       int
	withDeleted bool
}

// listLocked returns up to count visible entities at positions >= from
// and the position of the next visible one (ok false when there is none).
func (st *store) listLocked(l listing) (items []entity, next uint32, more bool) {
	visible := func(pos uint32) (entity, bool) {
		e, ok := st.getLocked(l.kind, l.account, pos)
		if !ok || (!l.withDeleted && e.deleted()) {
			return nil, false
		}
		return e, true
	}
	take := func(pos uint32) bool { // false: stop, page is full and next found
		e, ok := visible(pos)
		if !ok {
			return true
		}
		if len(items) == l.count {
			next, more = pos, true
			return false
		}
		items = append(items, e)
		return true
	}
	if l.positions == nil {
		end := st.endLocked(l.kind, l.account)
		for pos := l.from; pos < end && take(pos); pos++ {
		}
		return items, next, more
	}
	i, _ := slices.BinarySearch(l.positions, l.from)
	for ; i < len(l.positions) && take(l.positions[i]); i++ {
	}
	return items, next, more
}

// totalLocked counts the visible entities of a listing, ignoring from.
func (st *store) totalLocked(l listing) int {
	if l.positions != nil {
		n := 0
		for _, pos := range l.positions {
			if e, ok := st.getLocked(l.kind, l.account, pos); ok && (l.withDeleted || !e.deleted()) {
				n++
			}
		}
		return n
	}
	seeded := st.seededCount(l.kind)
	if l.kind == kindAccount {
		l.account = 0
	}
	n := int(seeded)
	if !l.withDeleted {
		n -= int(seeded / 10) // seededDeleted: positions 9, 19, ...
	}
	b := st.bucketLocked(l.kind, l.account, false)
	if b == nil {
		return n
	}
	for pos, e := range b.records {
		switch {
		case pos >= seeded:
			if l.withDeleted || !e.deleted() {
				n++
			}
		case !l.withDeleted && e.deleted() != seededDeleted(pos):
			if e.deleted() {
				n--
			} else {
				n++
			}
		}
	}
	return n
}

// childPositionsLocked lists the positions of children of the given
// parent ids (line items of campaigns, promoted tweets of line items).
func (st *store) childPositionsLocked(sp *spec, acct int, parentIDs []string) []uint32 {
	per := uint32(1)
	switch sp.kind {
	case kindLineItem:
		per = uint32(st.sz.lineItems)
	case kindPromotedTweet:
		per = uint32(st.sz.promotedTweets)
	}
	seededChildren := st.seededCount(sp.kind)
	var out []uint32
	b := st.bucketLocked(sp.kind, acct, false)
	for _, id := range parentIDs {
		r, ok := st.codec.decode(id)
		if !ok || r.kind != sp.parent.kind || r.account != acct {
			continue
		}
		if r.pos < st.seededCount(sp.parent.kind) {
			for p := r.pos * per; p < (r.pos+1)*per && p < seededChildren; p++ {
				out = append(out, p)
			}
		}
		if b != nil {
			out = append(out, b.children[id]...)
		}
	}
	return sortUnique(out)
}

// idPositions decodes ids of kind k in account acct to sorted positions,
// dropping ids that name nothing.
func (st *store) idPositionsLocked(k kind, acct int, ids []string) []uint32 {
	end := st.endLocked(k, acct)
	out := make([]uint32, 0, len(ids))
	for _, id := range ids {
		r, ok := st.codec.decode(id)
		if ok && r.kind == k && r.account == acct && r.pos < end {
			out = append(out, r.pos)
		}
	}
	return sortUnique(out)
}

func sortUnique(p []uint32) []uint32 {
	if p == nil {
		p = []uint32{}
	}
	slices.Sort(p)
	return slices.Compact(p)
}

func intersect(a, b []uint32) []uint32 {
	out := []uint32{}
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			out = append(out, x)
		}
	}
	return out
}
