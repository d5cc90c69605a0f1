// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.config;

import java.util.Map;

/** Storage port for settings changed at run time (the {@code setting} table, migration V2). */
public interface SettingStore {

    /** Stored settings whose names start with {@code prefix}, by name. */
    Map<String, String> withPrefix(String prefix);

    /** Replaces the stored values of {@code set} and removes those of {@code remove}, all at once. */
    void replace(Map<String, String> set, java.util.Collection<String> remove);
}
