package twitteradssim

import (
	"net/http"
	"net/url"
)

// Handlers of the entity endpoints: accounts, campaigns, line items,
// promoted tweets and funding instruments.

func (s *Server) listAccounts(c *call) error {
	pg, herr := c.pageParams(kindAccount)
	if herr != nil {
		return herr
	}
	ids, herr := splitIDs(c.params, "account_ids", maxIDs)
	if herr != nil {
		return herr
	}
	l := listing{kind: kindAccount, from: pg.from, count: pg.count, withDeleted: pg.withDeleted}
	if ids != nil {
		l.positions = []uint32{}
		for _, id := range ids {
			if a := s.resolveAccount(id); a >= 0 {
				l.positions = append(l.positions, uint32(a))
			}
		}
		l.positions = sortUnique(l.positions)
	}
	st := s.store
	st.mu.Lock()
	items, next, more := st.listLocked(l)
	var total *int
	if pg.withTotal {
		n := st.totalLocked(l)
		total = &n
	}
	st.mu.Unlock()
	return c.list(kindAccount, items, next, more, total)
}

func (s *Server) getAccount(c *call) error {
	withDeleted, herr := c.boolParam("with_deleted")
	if herr != nil {
		return herr
	}
	e := s.store.seedAccount(c.account)
	if e.deleted() && !withDeleted {
		return notFound("account", c.vars["account_id"])
	}
	return c.ok(e)
}

func (s *Server) userAccess(c *call) error {
	return c.ok(map[string]any{
		"user_id": c.who.creds.userID(),
		"permissions": []string{"ACCOUNT_ADMIN", "AD_MANAGER", "CREATIVE_MANAGER", "CAMPAIGN_ANALYST",
			"ANALYST", "CREDIT_CARD_EDITOR"},
	})
}

func (s *Server) listEntities(sp *spec) handler {
	return func(c *call) error {
		pg, herr := c.pageParams(sp.kind)
		if herr != nil {
			return herr
		}
		ids, herr := splitIDs(c.params, sp.idsParam, maxIDs)
		if herr != nil {
			return herr
		}
		var parentIDs []string
		if sp.parent != nil {
			if parentIDs, herr = splitIDs(c.params, sp.parent.idsParam, maxIDs); herr != nil {
				return herr
			}
		}
		st := s.store
		st.mu.Lock()
		l := listing{kind: sp.kind, account: c.account, from: pg.from, count: pg.count, withDeleted: pg.withDeleted}
		if ids != nil {
			l.positions = st.idPositionsLocked(sp.kind, c.account, ids)
		}
		if parentIDs != nil {
			children := st.childPositionsLocked(sp, c.account, parentIDs)
			if l.positions != nil {
				l.positions = intersect(l.positions, children)
			} else {
				l.positions = children
			}
		}
		items, next, more := st.listLocked(l)
		var total *int
		if pg.withTotal {
			n := st.totalLocked(l)
			total = &n
		}
		st.mu.Unlock()
		return c.list(sp.kind, items, next, more, total)
	}
}

func (s *Server) getEntity(sp *spec) handler {
	return func(c *call) error {
		withDeleted, herr := c.boolParam("with_deleted")
		if herr != nil {
			return herr
		}
		id := c.vars[sp.idParam]
		st := s.store
		st.mu.Lock()
		e, _, ok := st.lookupLocked(sp.kind, c.account, id)
		st.mu.Unlock()
		if !ok || (e.deleted() && !withDeleted) {
			return notFound(sp.label, id)
		}
		return c.ok(e)
	}
}

// newEntityLocked builds an entity to create from parameters.
func (s *Server) newEntityLocked(sp *spec, acct int, p url.Values) (entity, []apiError) {
	now := fmtTime(s.now())
	e := entity{
		"account_id": s.store.id(kindAccount, acct, 0),
		"created_at": now,
		"updated_at": now,
		"deleted":    false,
		"currency":   "USD",
	}
	errs := s.store.applyLocked(sp, acct, e, p, true)
	if sp == campaignSpec {
		servable(e)
	}
	return e, errs
}

// existingLocked finds a live entity to change; staged holds changes a
// batch made before (nil outside batches).
func (s *Server) existingLocked(sp *spec, acct int, id string, staged map[uint32]entity) (entity, uint32, *httpError) {
	old, pos, ok := s.store.lookupLocked(sp.kind, acct, id)
	if e, ok := staged[pos]; ok {
		old = e
	}
	if !ok || old.deleted() {
		return nil, 0, notFound(sp.label, id)
	}
	return old, pos, nil
}

// updateLocked applies parameters to a copy of an existing entity.
func (s *Server) updateLocked(sp *spec, acct int, id string, p url.Values, staged map[uint32]entity) (entity, uint32, *httpError) {
	old, pos, herr := s.existingLocked(sp, acct, id, staged)
	if herr != nil {
		return nil, 0, herr
	}
	e := old.clone()
	if errs := s.store.applyLocked(sp, acct, e, p, false); len(errs) > 0 {
		return nil, 0, &httpError{status: http.StatusBadRequest, errs: errs}
	}
	e["updated_at"] = fmtTime(s.now())
	if sp == campaignSpec {
		servable(e)
	}
	return e, pos, nil
}

// deleteLocked returns a deleted copy of an existing entity.
func (s *Server) deleteLocked(sp *spec, acct int, id string, staged map[uint32]entity) (entity, uint32, *httpError) {
	old, pos, herr := s.existingLocked(sp, acct, id, staged)
	if herr != nil {
		return nil, 0, herr
	}
	e := old.clone()
	e["deleted"] = true
	e["updated_at"] = fmtTime(s.now())
	if sp == campaignSpec {
		servable(e)
	}
	return e, pos, nil
}

func (s *Server) createEntity(sp *spec) handler {
	if sp == promotedTweetSpec {
		return s.createPromotedTweets
	}
	return func(c *call) error {
		st := s.store
		st.mu.Lock()
		e, errs := s.newEntityLocked(sp, c.account, c.params)
		if len(errs) > 0 {
			st.mu.Unlock()
			return &httpError{status: http.StatusBadRequest, errs: errs}
		}
		st.createLocked(sp, c.account, e)
		st.mu.Unlock()
		s.counts.created(sp.label, 1)
		return c.ok(e)
	}
}

func (s *Server) updateEntity(sp *spec) handler {
	return s.changeEntity(sp, (*counters).updated, func(c *call) (entity, uint32, *httpError) {
		return s.updateLocked(sp, c.account, c.vars[sp.idParam], c.params, nil)
	})
}

func (s *Server) deleteEntity(sp *spec) handler {
	return s.changeEntity(sp, (*counters).deleted, func(c *call) (entity, uint32, *httpError) {
		return s.deleteLocked(sp, c.account, c.vars[sp.idParam], nil)
	})
}

// changeEntity serves a change to one entity: change runs under the
// store's lock, and the entity it returns is kept, counted and answered.
func (s *Server) changeEntity(sp *spec, count func(*counters, string, int), change func(c *call) (entity, uint32, *httpError)) handler {
	return func(c *call) error {
		st := s.store
		st.mu.Lock()
		e, pos, herr := change(c)
		if herr == nil {
			st.putLocked(sp.kind, c.account, pos, e)
		}
		st.mu.Unlock()
		if herr != nil {
			return herr
		}
		count(s.counts, sp.label, 1)
		return c.ok(e)
	}
}

// createPromotedTweets promotes one or more tweets in a line item; the
// answer's data is an array with one promoted tweet per tweet id.
func (s *Server) createPromotedTweets(c *call) error {
	liID := c.params.Get("line_item_id")
	if liID == "" {
		return missing("line_item_id")
	}
	tweets, herr := tweetIDs(c.params.Get("tweet_ids"))
	if herr != nil {
		return herr
	}
	st := s.store
	st.mu.Lock()
	li, _, ok := st.lookupLocked(kindLineItem, c.account, liID)
	if !ok || li.deleted() {
		st.mu.Unlock()
		return invalid("line_item_id", "line_item_id %s does not exist in this account", liID)
	}
	now := fmtTime(s.now())
	out := make([]entity, 0, len(tweets))
	for _, t := range tweets {
		out = append(out, st.createLocked(promotedTweetSpec, c.account, entity{
			"account_id":      c.accountID(),
			"line_item_id":    liID,
			"tweet_id":        t,
			"entity_status":   "ACTIVE",
			"approval_status": "ACCEPTED",
			"created_at":      now,
			"updated_at":      now,
			"deleted":         false,
		}))
	}
	st.mu.Unlock()
	s.counts.created(promotedTweetSpec.label, len(out))
	return c.ok(out)
}
