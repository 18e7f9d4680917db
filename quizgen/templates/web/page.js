// The quiz page: study mode (one question at a time, feedback, score, retry) and present mode
// (very large type, answer on a key press). Everything comes from the JSON data block: questions,
// their option order (chosen in Python), the matching rules and every fixed string (data.strings).
// Bank text is only ever inserted as text (textContent, Text nodes), never as markup.
"use strict";
(function () {
  const doc = document;
  const data = JSON.parse(doc.getElementById("quiz-data").textContent);
  const S = data.strings;
  const app = doc.getElementById("app");
  const statusRegion = doc.getElementById("status");
  const plural = new Intl.PluralRules(data.lang);
  const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  // -- strings ------------------------------------------------------------------------------
  function t(key, params) {
    const text = Object.prototype.hasOwnProperty.call(S, key) ? S[key] : key;
    return text.replace(/\{(\w+)\}/g, (whole, name) =>
      params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
  }
  function tn(key, count) {
    const form = key + "_" + plural.select(count);
    return t(Object.prototype.hasOwnProperty.call(S, form) ? form : key + "_other", { count: count });
  }

  // -- building elements (text only: strings become Text nodes) -------------------------------
  function el(tag, props, children) {
    const node = doc.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "disabled" || name === "hidden" || name === "checked") node[name] = Boolean(value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }
  function labelled(label, value) {
    return el("p", {}, [el("strong", {}, [label]), " ", value]);
  }
  function say(text) {
    statusRegion.textContent = text;
  }
  // A form's submit button (and Enter in its fields, which clicks that button) acts on the click,
  // not through a form submission: a page served with `Content-Security-Policy: sandbox
  // allow-scripts` (how some hosts and mail viewers show an attached page) may not submit forms,
  // and its Start and Check buttons did nothing. The submit event stays as a fallback.
  function submitted(action) {
    return (e) => {
      e.preventDefault();
      action();
    };
  }
  function show(nodes, focus) {
    app.replaceChildren(...nodes);
    window.scrollTo(0, 0);
    if (focus) focus.focus();
  }

  // -- progress in the browser's storage, when it is there and accepts writes -------------------
  const storage = {
    key: data.storage_key,
    get() {
      try {
        const text = window.localStorage.getItem(this.key);
        return text ? JSON.parse(text) : null;
      } catch (e) {
        return null;
      }
    },
    set(value) {
      try {
        window.localStorage.setItem(this.key, JSON.stringify(value));
        return true;
      } catch (e) {
        return false;
      }
    },
    clear() {
      try {
        window.localStorage.removeItem(this.key);
      } catch (e) {
        // nothing was kept, so nothing to clear
      }
    },
    works() {
      try {
        const probe = this.key + ":probe";
        window.localStorage.setItem(probe, "1");
        window.localStorage.removeItem(probe);
        return true;
      } catch (e) {
        return false;
      }
    },
  };

  // -- the answer rules: a port of quizgen/study/answers.py, with its thresholds and word lists from
  // quizgen/study/answer_rules.json (data.rules), run against the same cases (tests/answer_cases.json).
  const rules = data.rules;
  const LOWER = LETTERS.toLowerCase();
  const TRUE_WORDS = new Set(rules.true_words);
  const FALSE_WORDS = new Set(rules.false_words);
  // What a pressed True/False (or I knew it / I didn't) button types: the page language's own
  // words ("true" is not a Spanish word for true, so it would be graded as not understood).
  const YES = rules.true_words[0];
  const NO = rules.false_words[0];
  const UNITS = new Set(rules.units);
  // The real words a typo must not turn into: the bank's and article's (data.known) and the general
  // word list's (data.general), each cut to the words near the bank's typed answers.
  const pageKnown = new Set((data.known || "").split(" ").filter(Boolean));
  const pageGeneral = new Set((data.general || "").split(" ").filter(Boolean));

  function casefold(text) {
    return text.toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ");
  }
  function normalise(text) {
    // eslint-disable-next-line no-control-regex
    const bare = /^[\x00-\x7f]*$/.test(text) ? text : text.normalize("NFKD").replace(/\p{Mn}/gu, "");
    return casefold(bare).replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }
  function editDistance(a, b) {
    if (a === b) return 0;
    const x = Array.from(a);
    const y = Array.from(b);
    let prev2 = [];
    let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
      const cur = [i];
      for (let j = 1; j <= y.length; j++) {
        const cost = x[i - 1] === y[j - 1] ? 0 : 1;
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
          cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
        }
      }
      prev2 = prev;
      prev = cur;
    }
    return prev[y.length];
  }
  function typoAllowance(answer) {
    const letters = Array.from(answer.replace(/ /g, "")).length;
    for (const row of rules.typo_allowance) {
      if (row.max_letters === undefined || row.max_letters === null || letters <= row.max_letters) return row.typos;
    }
    return 0;
  }
  function wordsOf(texts) {
    const words = new Set();
    for (const text of texts) for (const w of normalise(text || "").split(" ")) if (w) words.add(w);
    return words;
  }
  const endings = [...rules.plural_endings].sort((a, b) => b.length - a.length);
  function singular(word) {
    for (const ending of endings) {
      if (word.endsWith(ending) && word.length > ending.length + 1) return word.slice(0, -ending.length);
    }
    return word;
  }
  function sameWord(a, b) {
    return a === b || singular(a) === b || a === singular(b) || singular(a) === singular(b);
  }
  function units(words) {
    return words.filter((w) => UNITS.has(w) || UNITS.has(singular(w))).map((w) => (UNITS.has(w) ? w : singular(w))).join(" ");
  }
  function letters(words) {
    return words.filter((w) => w.length === 1 && /\p{L}/u.test(w)).join(" ");
  }
  function digits(text) {
    return (text.match(/\p{Nd}+/gu) || []).join(",");
  }
  function realDifferentWord(word, answerWords, known, general) {
    if (answerWords.some((w) => sameWord(word, w))) return false;
    return known.has(word) || known.has(singular(word)) || general.has(word);
  }
  function nearMiss(got, want, known, general) {
    if (digits(want) !== digits(got)) return null;
    const gotWords = got.split(" ");
    const wantWords = want.split(" ");
    if (units(gotWords) !== units(wantWords)) return null;
    if (letters(gotWords) !== letters(wantWords)) return null;
    const tightGot = got.replace(/ /g, "");
    const tightWant = want.replace(/ /g, "");
    if (Array.from(tightGot)[0] !== Array.from(tightWant)[0]) return null;
    const distance = editDistance(tightGot, tightWant);
    if (distance > typoAllowance(want)) return null;
    if (gotWords.some((w) => realDifferentWord(w, wantWords, known, general))) return null;
    return distance;
  }
  // A typed answer against the accepted ones: {accepted, exact}, or null when it matches none.
  function matchText(typed, accepted, known, general) {
    known = known || new Set();
    general = general || pageGeneral;
    const got = normalise(typed);
    if (!got) return null;
    for (const answer of accepted) {
      const want = normalise(answer);
      if (want === got || want.replace(/ /g, "") === got.replace(/ /g, "")) return { accepted: answer, exact: true };
    }
    let best = null;
    for (const answer of accepted) {
      const distance = nearMiss(got, normalise(answer), known, general);
      if (distance !== null && (best === null || distance < best[0])) best = [distance, answer];
    }
    return best ? { accepted: best[1], exact: false } : null;
  }
  // an option whose text is a number ("4", "12"): then a number typed is that option's text, never a position
  function numbersAreOptions(options) {
    return options.some((o) => /^[0-9]+$/.test(normalise(o)));
  }
  function tokenIndex(token, options) {
    const count = options.length;
    if (Array.from(token).length === 1 && LOWER.slice(0, count).includes(token)) return LOWER.indexOf(token);
    if (!/^[0-9]+$/.test(token)) return null;
    if (numbersAreOptions(options)) {
      const index = options.map(normalise).indexOf(token);
      return index < 0 ? null : index;
    }
    return Number(token) >= 1 && Number(token) <= count ? Number(token) - 1 : null;
  }
  function optionByText(typed, options, known, general) {
    const found = matchText(typed, options, known, general);
    if (found === null) return null;
    const index = options.indexOf(found.accepted);
    return { indices: [index], near: found.exact ? [] : [index] };
  }
  function trimEnd(token) {
    return token.replace(/[).]+$/, "");
  }
  function pyStrip(text) {
    return text.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, "");
  }
  function parseChoice(typed, options, known, general) {
    const index = tokenIndex(trimEnd(casefold(pyStrip(typed))), options);
    if (index !== null) return { indices: [index], near: [] };
    return optionByText(typed, options, known, general);
  }
  function sortedUnique(values) {
    return [...new Set(values)].sort((a, b) => a - b);
  }
  function parseChoices(typed, options, known, general) {
    const whole = optionByText(typed, options, known, general);
    if (whole !== null) return whole;
    const tokens = casefold(pyStrip(typed)).split(/[\s,;/]+/u).filter(Boolean).map(trimEnd);
    const indices = tokens.map((t) => tokenIndex(t, options));
    if (tokens.length && indices.every((i) => i !== null)) return { indices: sortedUnique(indices), near: [] };
    if (tokens.length === 1 && Array.from(tokens[0]).every((c) => LOWER.slice(0, options.length).includes(c))) {
      return { indices: sortedUnique(Array.from(tokens[0]).map((c) => LOWER.indexOf(c))), near: [] };
    }
    const picked = [];
    const near = [];
    for (const part of typed.split(/[,;]/).filter((p) => pyStrip(p))) {
      const one = parseChoice(part, options, known, general);
      if (one === null) return null;
      picked.push(...one.indices);
      near.push(...one.near);
    }
    if (!picked.length) return null;
    return { indices: sortedUnique(picked), near: sortedUnique(near) };
  }
  function parseTruth(typed) {
    const word = normalise(typed);
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return null;
  }
  function clozeAnswers(q) {
    return q.cloze.filter((s) => "answer" in s).map((s) => s.answer);
  }
  function questionWords(q) {
    const revealed = q.type === "cloze" ? q.cloze.map((s) => ("text" in s ? s.text : s.answer)).join("") : q.prompt;
    return wordsOf([revealed, q.explanation, ...(q.options || []), ...(q.accepted || []), q.back || ""]);
  }
  function judged(right, near, hinted, found) {
    const verdict = !right ? "again" : near || hinted ? "hard" : "good";
    return Object.assign({ verdict: verdict, near: near }, found);
  }
  // The rulebook: a verdict (good, hard, again, unclear) for a response {typed, hinted}: typed is
  // the line given (option letters, true/false, y/n for a flashcard, the text), one per blank for
  // a cloze; {chosen: [option indices]} instead for options ticked on the page. `known` adds real
  // words (default: the page's own).
  function grade(q, response, known, general) {
    const words = new Set([...(known || pageKnown), ...questionWords(q)]);
    const hinted = Boolean(response.hinted);
    if (q.type === "cloze") {
      const typed = Array.isArray(response.typed) ? response.typed : [response.typed];
      const answers = clozeAnswers(q);
      const found = answers.map((answer, i) => matchText(typed[i] || "", [answer], words, general));
      return judged(found.every((f) => f !== null), found.some((f) => f !== null && !f.exact), hinted, {
        spelled: found.map((f) => (f ? f.accepted : null)),
      });
    }
    const line = response.typed;
    if (q.type === "multiple_choice" || q.type === "multiple_select") {
      // options ticked on the page are known by their index; a typed line is read as the terminal
      // reads it (where "a b" may also be the text of an option "AB")
      const choice = Array.isArray(response.chosen)
        ? { indices: sortedUnique(response.chosen), near: [] }
        : (q.type === "multiple_select" ? parseChoices : parseChoice)(line, q.options, words, general);
      if (choice === null) return { verdict: "unclear", near: false };
      return judged(sameSet(choice.indices, q.correct), choice.near.length > 0, hinted, { chosen: choice.indices });
    }
    if (q.type === "short_answer") {
      const match = matchText(line, q.accepted, words, general);
      return judged(match !== null, Boolean(match && !match.exact), hinted, { spelled: [match ? match.accepted : null] });
    }
    const truth = parseTruth(line);
    if (truth === null) return { verdict: "unclear", near: false };
    return judged(q.type === "true_false" ? truth === q.truth : truth, false, hinted, {});
  }
  function sameSet(a, b) {
    const x = sortedUnique(a);
    const y = sortedUnique(b);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  window.quizgen = Object.freeze({ normalise: normalise, editDistance: editDistance, matchText: matchText, grade: grade });

  // -- questions --------------------------------------------------------------------------------
  const byKey = new Map(data.questions.map((q) => [q.key, q]));
  function bankOf(q) {
    return data.banks[q.bank];
  }
  function sectionTitle(q) {
    const found = bankOf(q).sections.find((s) => s.id === q.section);
    return found ? found.title : q.section;
  }
  function blankedPrompt(q) {
    if (q.type !== "cloze") return q.prompt;
    return q.cloze.map((s) => ("text" in s ? s.text : "_____" + (s.hint ? " " + t("blank_hint", { hint: s.hint }) : ""))).join("");
  }
  function instruction(q) {
    if (q.type === "cloze" && q.cloze.filter((s) => "answer" in s).length === 1) return t("type_cloze_one");
    return t("type_" + q.type);
  }
  // The line under a prompt that says how to answer; none when the prompt already says it
  // ("... Choose all that apply.": says_how, decided by the printed quiz's rule).
  function howLine(q, id) {
    return q.says_how ? null : el("p", { class: "how", id: id || null }, [instruction(q)]);
  }
  function pool(choice) {
    if (!choice) return data.questions;
    const [bank, section] = choice.split("\n");
    return data.questions.filter((q) => String(q.bank) === bank && q.section === section);
  }
  function explanationNodes(q) {
    const nodes = [labelled(t("why_label"), q.explanation)];
    nodes.push(el("p", { class: "muted" }, [t("source_line", { article: bankOf(q).article, section: sectionTitle(q) })]));
    const quotes = Array.isArray(q.evidence) ? q.evidence.filter((e) => typeof e === "string") : [];
    if (quotes.length) {
      nodes.push(el("p", {}, [el("strong", {}, [bankOf(q).quote_label])]));
      for (const quote of quotes) nodes.push(el("blockquote", {}, [quote]));
    }
    return nodes;
  }

  // -- study mode -------------------------------------------------------------------------------
  let session = null; // {items: [question keys], results: [{key, outcome}]}

  function saved() {
    const s = storage.get();
    if (!s || s.v !== 1 || !Array.isArray(s.items) || !Array.isArray(s.results)) return null;
    if (!s.items.length || !s.items.every((k) => byKey.has(k))) return null;
    return { items: s.items, results: s.results.filter((r) => r && byKey.has(r.key)) };
  }
  function save() {
    storage.set({ v: 1, items: session.items, results: session.results });
  }
  function begin(items) {
    session = { items: items, results: [] };
    save();
    showQuestion();
  }

  function showStart(focusHeading) {
    leavePresent();
    const heading = el("h2", { tabindex: "-1" }, [t("start_heading")]);
    const nodes = [heading, el("p", {}, [t("start_intro")])];
    if (!storage.works()) nodes.push(el("p", { class: "muted", id: "no-storage" }, [t("no_storage")]));
    const last = saved();
    if (last) {
      const done = last.results.length >= last.items.length;
      const resume = done
        ? t("resume_summary")
        : t("resume", { n: last.results.length + 1, total: last.items.length });
      nodes.push(el("div", { class: "actions stack" }, [
        el("button", { type: "button", class: "primary", id: "resume", onclick: () => { session = last; showQuestion(); } }, [resume]),
        el("button", { type: "button", id: "start-over", onclick: () => { storage.clear(); showStart(true); say(t("started_over")); } }, [t("start_over")]),
      ]));
    }
    const sections = el("select", { id: "pick-section" }, [
      el("option", { value: "" }, [t("all_sections", { count: data.questions.length })]),
    ]);
    data.banks.forEach((bank, b) => {
      const group = data.banks.length > 1 ? el("optgroup", { label: bank.title }) : sections;
      for (const section of bank.sections) {
        const count = data.questions.filter((q) => q.bank === b && q.section === section.id).length;
        if (count) group.append(el("option", { value: b + "\n" + section.id }, [t("section_option", { title: section.title, count: count })]));
      }
      if (group !== sections) sections.append(group);
    });
    const counts = el("select", { id: "pick-count" }, []);
    for (const n of [5, 10, 20]) {
      if (n < data.questions.length) counts.append(el("option", { value: String(n) }, [tn("plural_questions", n)]));
    }
    counts.append(el("option", { value: "all", selected: true }, [t("count_all")]));
    const start = () => {
      const from = pool(sections.value);
      const n = counts.value === "all" ? from.length : Math.min(Number(counts.value), from.length);
      let chosen = from;
      if (n < from.length) {
        const picked = new Set();
        while (picked.size < n) picked.add(Math.floor(Math.random() * from.length));
        chosen = from.filter((_, i) => picked.has(i));
      }
      begin(chosen.map((q) => q.key));
    };
    nodes.push(
      el("form", { onsubmit: submitted(start) }, [
        el("label", { class: "field", for: "pick-section" }, [t("choose_section")]),
        sections,
        el("label", { class: "field", for: "pick-count" }, [t("choose_count")]),
        counts,
        el("div", { class: "actions" }, [el("button", { type: "submit", class: "primary", id: "start", onclick: submitted(start) }, [t("start")])]),
      ]),
      el("p", {}, [t("present_intro")]),
      el("div", { class: "actions" }, [
        el("button", { type: "button", id: "present", onclick: () => { presentChoice = sections.value; presentPushed = true; location.hash = "present"; } }, [t("present")]),
      ]),
    );
    show(nodes, focusHeading ? heading : null);
  }

  function choiceWidget(q) {
    const multiple = q.type === "multiple_select";
    const texts = q.type === "true_false" ? [t("true"), t("false")] : q.options;
    const inputs = [];
    const marks = [];
    const labels = texts.map((text, i) => {
      const input = el("input", { type: multiple ? "checkbox" : "radio", name: "answer", value: String(i), id: "opt-" + i });
      const mark = el("span", { class: "mark" }, []);
      inputs.push(input);
      marks.push(mark);
      return el("label", { class: "choice", for: "opt-" + i }, [input, el("span", {}, [text, mark])]);
    });
    const fieldset = el("fieldset", { "aria-describedby": q.says_how ? null : "how" }, [
      el("legend", { class: "prompt" }, [q.prompt]),
      howLine(q, "how"),
      ...labels,
    ]);
    const right = q.type === "true_false" ? [q.truth ? 0 : 1] : q.correct;
    return {
      node: fieldset,
      read() {
        // the options ticked, by index (as letters, options "A", "B" and "AB" are ambiguous:
        // ticking A and B was graded as choosing AB), or the language's word for true or false
        const picked = inputs.filter((i) => i.checked).map((i) => Number(i.value));
        if (!picked.length) return null;
        if (q.type === "true_false") return { typed: picked[0] === 0 ? YES : NO };
        return { chosen: picked };
      },
      reveal() {
        inputs.forEach((input, i) => {
          if (right.includes(i)) {
            labels[i].classList.add("is-right");
            marks[i].textContent = t("right_option") + (input.checked ? " (" + t("your_pick") + ")" : "");
          } else if (input.checked) {
            labels[i].classList.add("is-wrong");
            marks[i].textContent = t("your_pick_wrong");
          }
        });
        fieldset.disabled = true;
      },
    };
  }

  function shortWidget(q) {
    const input = el("input", { type: "text", id: "typed", autocomplete: "off", autocapitalize: "off", spellcheck: "false", "aria-describedby": q.says_how ? "prompt" : "prompt how" }, []);
    return {
      node: el("div", {}, [
        el("p", { class: "prompt", id: "prompt" }, [q.prompt]),
        howLine(q, "how"),
        el("label", { class: "field", for: "typed" }, [t("your_answer")]),
        input,
      ]),
      read() {
        return input.value.trim() ? { typed: input.value } : null;
      },
      reveal() {
        input.readOnly = true;
      },
    };
  }

  function clozeWidget(q) {
    const inputs = [];
    const results = [];
    const count = q.cloze.filter((s) => "answer" in s).length;
    const several = count > 1;
    // Enter in a blank while a later one is still empty moves on to it: Enter after the first
    // of two blanks graded the half-typed answer as wrong and gave the rest away. The Check
    // button (or Enter once the later blanks hold text) grades.
    function nextBlank(e) {
      if (e.key !== "Enter" || e.isComposing) return;
      const following = inputs.slice(inputs.indexOf(e.target) + 1).find((i) => !i.value.trim());
      if (following) {
        e.preventDefault();
        following.focus();
      }
    }
    const parts = q.cloze.map((s) => {
      if ("text" in s) return s.text;
      const n = inputs.length + 1;
      const label = t("blank_label", { n: n }) + (s.hint ? " " + t("blank_hint", { hint: s.hint }) : "");
      const last = n === count;
      const input = el("input", { type: "text", id: "blank-" + n, "aria-label": label, autocomplete: "off", autocapitalize: "off", spellcheck: "false", enterkeyhint: last ? null : "next", onkeydown: nextBlank }, []);
      const result = el("span", { class: "blank-result" }, []);
      inputs.push(input);
      results.push(result);
      return el("span", {}, [
        several ? el("span", { class: "blank-no", "aria-hidden": "true" }, ["(" + n + ") "]) : null,
        input,
        s.hint ? " " + t("blank_hint", { hint: s.hint }) : null,
        result,
      ]);
    });
    const answers = clozeAnswers(q);
    return {
      node: el("div", {}, [
        howLine(q, "how"),
        el("p", { class: "cloze" }, parts),
      ]),
      read() {
        const typed = inputs.map((i) => i.value);
        return typed.some((v) => v.trim()) ? { typed: typed } : null;
      },
      reveal(outcome) {
        inputs.forEach((input, i) => {
          input.readOnly = true;
          const ok = outcome.spelled ? outcome.spelled[i] !== null : false;
          results[i].textContent = " " + (ok ? t("blank_right") : t("blank_wrong", { answer: answers[i] }));
        });
      },
    };
  }

  function showQuestion() {
    const pos = session.results.length;
    if (pos >= session.items.length) {
      showSummary();
      return;
    }
    const q = byKey.get(session.items[pos]);
    const heading = el("h2", { tabindex: "-1", id: "question-heading" }, [t("question_of", { n: pos + 1, total: session.items.length })]);
    const feedback = el("div", { id: "feedback" }, []);
    const message = el("p", { class: "how", id: "message" }, []);
    let answered = false;

    function finish(outcome, widget) {
      if (answered) return;
      answered = true;
      outcome.right = outcome.verdict === "good" || outcome.verdict === "hard";
      const spelled = outcome.near && outcome.spelled ? outcome.spelled.filter((x) => x !== null) : [];
      session.results.push({ key: q.key, outcome: outcome.skipped ? "skipped" : outcome.right ? "right" : "wrong" });
      save();
      if (widget && widget.reveal) widget.reveal(outcome);
      message.textContent = "";
      actions.hidden = true;
      const verdict = outcome.skipped ? t("skipped") : outcome.right ? t("correct") : t("incorrect");
      const panel = el("div", { class: "feedback " + (outcome.right ? "right" : "wrong") }, [
        el("p", { class: "verdict" }, [verdict]),
        spelled.length ? el("p", {}, [t("close_enough", { answer: spelled.join("; ") })]) : null,
        q.type === "flashcard" ? null : labelled(t("the_answer"), q.answer),
        ...explanationNodes(q),
        el("p", { class: "disclaimer" }, [bankOf(q).disclaimer]),
      ]);
      const last = pos + 1 >= session.items.length;
      const next = el("button", { type: "button", class: "primary", id: "next", onclick: showQuestion }, [t(last ? "see_score" : "next")]);
      feedback.replaceChildren(panel, el("div", { class: "actions" }, [next]));
      say(verdict + ". " + (q.type === "flashcard" ? "" : t("the_answer") + " " + q.answer));
      next.focus();
    }

    let widget;
    let actions;
    const skip = el("button", { type: "button", id: "skip", onclick: () => finish({ verdict: "again", skipped: true, near: false }, widget) }, [t("skip")]);
    if (q.type === "flashcard") {
      const back = el("div", { class: "card-back", hidden: true }, [q.back]);
      const knew = el("button", { type: "button", class: "primary", id: "knew", onclick: () => finish(grade(q, { typed: YES }), null) }, [t("knew_it")]);
      const didNot = el("button", { type: "button", id: "did-not-know", onclick: () => finish(grade(q, { typed: NO }), null) }, [t("did_not_know")]);
      const selfGrade = el("div", { class: "actions", hidden: true }, [knew, didNot]);
      const reveal = el("button", { type: "button", class: "primary", id: "show-answer", onclick: () => {
        back.hidden = false;
        actions.hidden = true;
        selfGrade.hidden = false;
        say(q.back);
        knew.focus();
      } }, [t("show_answer")]);
      actions = el("div", { class: "actions" }, [reveal, skip]);
      widget = {
        node: el("div", {}, [
          el("p", { class: "prompt", id: "prompt" }, [q.prompt]),
          howLine(q),
          back,
          selfGrade,
        ]),
      };
      const form = el("div", { "data-key": q.key }, [widget.node, actions, message]);
      show([heading, form, feedback, backToStart()], heading);
      return;
    }
    widget = q.type === "short_answer" ? shortWidget(q) : q.type === "cloze" ? clozeWidget(q) : choiceWidget(q);
    const check = () => {
      const response = widget.read();
      if (response === null) {
        message.textContent = t("choose_first");
        say(t("choose_first"));
        return;
      }
      finish(grade(q, response), widget);
    };
    actions = el("div", { class: "actions" }, [el("button", { type: "submit", class: "primary", id: "check", onclick: submitted(check) }, [t("check")]), skip]);
    const form = el("form", { novalidate: true, "data-key": q.key, onsubmit: submitted(check) }, [widget.node, actions, message]);
    show([heading, form, feedback, backToStart()], heading);
  }

  function backToStart() {
    return el("div", { class: "actions" }, [el("button", { type: "button", id: "to-start", onclick: () => showStart(true) }, [t("back_to_start")])]);
  }

  function showSummary() {
    const total = session.items.length;
    const right = session.results.filter((r) => r.outcome === "right").length;
    const missed = session.results.filter((r) => r.outcome !== "right").map((r) => r.key);
    const heading = el("h2", { tabindex: "-1", id: "summary-heading" }, [t("summary_heading")]);
    const score = t("score", { score: right, total: total });
    const nodes = [heading, el("p", { class: "score", id: "score" }, [score])];
    const buttons = [];
    if (missed.length) {
      nodes.push(el("h3", {}, [t("missed_heading")]));
      nodes.push(el("ol", { class: "missed", id: "missed" }, missed.map((key) => {
        const q = byKey.get(key);
        return el("li", {}, [el("p", {}, [blankedPrompt(q)]), labelled(t("answer_label"), q.answer)]);
      })));
      buttons.push(el("button", { type: "button", class: "primary", id: "retry", onclick: () => begin(missed) }, [t("retry_missed")]));
    } else {
      nodes.push(el("p", {}, [t("all_right")]));
    }
    buttons.push(el("button", { type: "button", id: "new-quiz", onclick: () => showStart(true) }, [t("new_quiz")]));
    nodes.push(el("div", { class: "actions" }, buttons));
    show(nodes, heading);
    say(t("summary_heading") + ": " + score);
  }

  // -- present mode -----------------------------------------------------------------------------
  let presentChoice = "";
  let presentPushed = false; // "Present to a group" added the #present history entry
  let presenting = null; // {items, pos, revealed}

  function leavePresent() {
    presenting = null;
    doc.body.classList.remove("presenting");
  }

  function startPresent() {
    const items = pool(presentChoice);
    presenting = { items: items.length ? items : data.questions, pos: 0, revealed: false };
    doc.body.classList.add("presenting");
    renderPresent();
  }

  function presentAnswer(q) {
    if (q.type === "multiple_choice" || q.type === "multiple_select") {
      return q.correct.map((i) => LETTERS[i] + ". " + q.options[i]).join("; ");
    }
    return q.type === "flashcard" ? q.back : q.answer;
  }

  function renderPresent() {
    const { items, pos, revealed } = presenting;
    const q = items[pos];
    const heading = el("h2", { tabindex: "-1", id: "present-prompt" }, [blankedPrompt(q)]);
    const nodes = [el("p", { class: "counter" }, [t("present_heading", { n: pos + 1, total: items.length })]), heading];
    nodes.push(howLine(q));
    if (q.options && q.options.length) {
      nodes.push(el("ol", { class: "letters" }, q.options.map((text, i) => {
        const right = revealed && q.correct.includes(i);
        return el("li", { class: right ? "is-right" : null }, [(right ? "\u2713 " : "") + LETTERS[i] + ". " + text]);
      })));
    }
    const answer = el("div", { class: "answer", id: "present-answer", hidden: !revealed }, [
      labelled(t("answer_label"), presentAnswer(q)),
      ...explanationNodes(q),
    ]);
    nodes.push(answer);
    nodes.push(el("div", { class: "actions" }, [
      el("button", { type: "button", id: "present-prev", disabled: pos === 0, onclick: () => presentStep(-1) }, [t("previous")]),
      el("button", { type: "button", class: "primary", id: "present-next", onclick: () => presentStep(1) }, [t(revealed ? "next" : "show_answer")]),
      el("button", { type: "button", id: "present-exit", onclick: exitPresent }, [t("exit_present")]),
    ]));
    nodes.push(el("p", { class: "keys" }, [t("present_keys")]));
    const focused = doc.activeElement && doc.activeElement.tagName === "BUTTON" ? doc.activeElement.id : "";
    app.replaceChildren(el("section", { class: "present", "aria-labelledby": "present-prompt" }, nodes));
    window.scrollTo(0, 0);
    const again = focused && doc.getElementById(focused);
    (again && !again.disabled ? again : heading).focus();
    // The answer just shown may be below the fold (long question, 200 % zoom), and the keys that
    // would scroll belong to the clicker: bring it into view.
    if (revealed) answer.scrollIntoView({ block: "nearest" });
  }

  function presentStep(direction) {
    const p = presenting;
    if (direction > 0 && !p.revealed) {
      p.revealed = true;
      renderPresent();
      say(t("answer_shown") + " " + t("answer_label") + " " + presentAnswer(p.items[p.pos]));
      return;
    }
    const to = p.pos + direction;
    if (to < 0) return;
    if (to >= p.items.length) {
      say(t("present_end"));
      return;
    }
    p.pos = to;
    p.revealed = false;
    renderPresent();
  }

  // Leaving goes back to the start page's own history entry when "Present to a group" made the
  // #present one: setting the hash again added a third entry, and the Back button then started
  // presenting again from the first question.
  function exitPresent() {
    if (presentPushed) {
      presentPushed = false;
      history.back();
    } else {
      location.hash = "";
    }
  }

  doc.addEventListener("keydown", (e) => {
    if (!presenting || e.altKey || e.ctrlKey || e.metaKey) return;
    // Space on a focused button is that button's own key: "Previous" goes back, "Leave" leaves.
    if (e.key === " " && e.target instanceof Element && e.target.closest("button, a, input, select, textarea, summary")) return;
    const forward = ["ArrowRight", "ArrowDown", "PageDown", " "];
    const back = ["ArrowLeft", "ArrowUp", "PageUp"];
    if (forward.includes(e.key)) presentStep(1);
    else if (back.includes(e.key)) presentStep(-1);
    else if (e.key === "Escape") exitPresent();
    else return;
    e.preventDefault();
  });

  function route() {
    if (location.hash === "#present") startPresent();
    else if (presenting) {
      presentPushed = false;
      showStart(true);
    }
  }
  window.addEventListener("hashchange", route);

  doc.getElementById("static").hidden = true;
  app.hidden = false;
  if (location.hash === "#present") startPresent();
  else showStart(false);
})();
