// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.subscriber;

import java.util.List;

/** The result of {@link CsvSubscriberImport#parse(java.io.Reader)}: a value, not an exception. */
public sealed interface CsvParse {

    /** Every line was valid. The passwords are live: hand them to {@link SubscriberDirectory#importAll}. */
    record Ok(List<NewSubscriber> subscribers) implements CsvParse {
        public Ok {
            subscribers = List.copyOf(subscribers);
        }
    }

    /** At least one line was invalid; each problem names its line and field, never a password. */
    record Invalid(List<String> problems) implements CsvParse {
        public Invalid {
            problems = List.copyOf(problems);
        }
    }
}
