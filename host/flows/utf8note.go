package flows

// noteInvalidUTF8 counts the records of pg whose strings are not valid
// UTF-8 and, for the first of the run, warns on stderr (whatever the
// progress mode) which line of the output it is. Such records are kept
// byte for byte: an export writes what the API sent, and its summary
// says how many there are.
func (x *Export) noteInvalidUTF8(pg page, before int64) {
	if pg.badUTF8 == 0 {
		return
	}
	if x.invalidUTF8 == 0 {
		x.Progress.Warn("line %s of the output holds bytes that are not valid UTF-8; it is kept as the API sent it, byte for byte, and the summary counts such records",
			count(before+pg.firstBad+1))
	}
	x.invalidUTF8 += pg.badUTF8
}
