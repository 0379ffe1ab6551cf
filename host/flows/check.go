package flows

import "errors"

// CheckImport reports every problem of an import's options that Run
// would refuse them for before it reads its input or sends anything, each
// an error of the joined error returned, its options named by optionName
// (as Deps.OptionName). A front end that starts runs in the background
// refuses bad options at once with it, instead of recording a run that
// fails.
func CheckImport(o ImportOptions, optionName func(string) string) error {
	im := &Import{ImportOptions: o}
	im.OptionName = optionName
	var errs []error
	if err := im.defaults(); err != nil {
		errs = append(errs, err)
	}
	if _, err := parseTemplate(im.PathTemplate); err != nil {
		errs = append(errs, err)
	}
	if im.BatchPath != "" {
		if _, err := parseTemplate(im.BatchPath); err != nil {
			errs = append(errs, err)
		}
	}
	return im.wordEach(errors.Join(errs...))
}

// CheckReport reports every problem of a report's options that Run would
// refuse them for before it asks the connector anything, as CheckImport.
// What depends on the connector's limits (the granularities it offers,
// the most jobs at once) is checked by Run.
func CheckReport(o ReportOptions, optionName func(string) string) error {
	r := &Report{ReportOptions: o}
	r.OptionName = optionName
	return r.wordEach(r.check())
}

// wordEach words each of the errors err joins, keeping them apart.
func (d *Deps) wordEach(err error) error {
	var out []error
	for _, e := range unjoin(err) {
		out = append(out, d.worded(e))
	}
	return errors.Join(out...)
}

// unjoin returns the errors err joins (at any depth), or err itself.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, unjoin(e)...)
	}
	return out
}
