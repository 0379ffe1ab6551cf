// Shows and hides the fields of a connection form by the conditions the
// connector's schema declares (data-show-when on a field's wrapper), and
// switches between the Simple and HTTP views. Without this script every
// field shows; the server applies the same conditions when it saves.
"use strict";
