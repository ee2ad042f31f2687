-- book.lua: pandoc Lua filter for the woven book (HTML pages and the LaTeX book).
--
-- Input: the Markdown that tools/nw2md writes.  It
--  * renders code chunks (div.chunk): header, the code highlighted by pandoc,
--    with the placeholders NWCHUNKUSE<n>X replaced by links to the used chunk,
--    and the footer ("continued in", "continues", "used in");
--  * replaces ::: {.output of="demoN" part="P"} divs by the lines of part [P]
--    of BUILD/chapterN/demoN.out;
--  * replaces [key]{.value of="demoN"} spans by the value of key in part [values];
--  * HTML: numbers sections (1.2, A.1), takes the chapter title out of the body;
--    LaTeX: sets the book title and the code font size.
-- Metadata: builddir (required when outputs or values are used),
--           booktitle (default below), source / chapter-label (set by nw2md).

local BOOK_TITLE = "Backpropagation in C: a literate micrograd"
local BOOK_BUILDS = "A scalar automatic-differentiation engine, and a small neural-network "
  .. "library on top of it, built step by step in plain C11: every line explained, every "
  .. "chapter ending with a program that runs and tests that prove it."

local stringify = pandoc.utils.stringify
local fmt = FORMAT:match("latex") and "latex" or "html"
local epub = FORMAT:match("epub") ~= nil   -- the EPUB is written as HTML, in one pandoc run

local builddir = "build"
local source = nil          -- the .nw file being processed (for messages)
local mdfile = table.concat(PANDOC_STATE.input_files or {}, " ")

local function where(el)
  local src = el and el.attributes and el.attributes.nwsrc
  if src then return src .. " (" .. mdfile .. ")" end
  return (source or "?") .. " (" .. mdfile .. ")"
end

local function fail(el, msg)
  -- a clean one-line message, then stop pandoc before it writes anything
  io.stderr:write("book.lua: " .. where(el) .. ": " .. msg .. "\n")
  os.exit(1)
end

-- ---------------------------------------------------------------- demo outputs
local outputs = {}   -- demo -> { parts = {name -> {lines}}, path = }

local function load_output(el, demo)
  if outputs[demo] then return outputs[demo] end
  -- of="demoN" is build/chapterN/demoN.out; of="chapterN/prog" is build/chapterN/prog.out,
  -- the output of another program of snapshot N (the trainer, the benchmark);
  -- of="appendixX/prog" is build/appendixX/prog.out, a program of appendix X
  local path
  local n = demo:match("^demo(%d+)$")
  if n then
    path = builddir .. "/chapter" .. n .. "/" .. demo .. ".out"
  elseif demo:match("^chapter%d+/[%w_]+$") or demo:match("^appendix%u/[%w_]+$") then
    path = builddir .. "/" .. demo .. ".out"
  else
    fail(el, "of=\"" .. demo .. "\" is not demoN, chapterN/program or appendixX/program")
  end
  local f = io.open(path, "r")
  if not f then fail(el, "no output of " .. demo .. ": cannot read " .. path) end
  local parts, cur = {}, nil
  for line in f:lines() do
    local name = line:match("^%[([^%]]+)%]%s*$")
    if name then
      -- a part printed twice (say [values]) continues where it left off
      cur = parts[name] or {}
      parts[name] = cur
    elseif cur then
      table.insert(cur, line)
    end
  end
  f:close()
  for _, lines in pairs(parts) do
    while #lines > 0 and lines[#lines]:match("^%s*$") do table.remove(lines) end
  end
  outputs[demo] = { parts = parts, path = path }
  return outputs[demo]
end

local function get_part(el, demo, part)
  local o = load_output(el, demo)
  local lines = o.parts[part]
  if not lines then
    fail(el, "demo " .. demo .. " printed no part [" .. part .. "] (" .. o.path .. ")")
  end
  return lines, o
end

-- LaTeX: room to ask for before a code chunk or an output of n lines, so that a header or
-- a label never ends a page: the whole block when it is short (it is then never split), the
-- header and its first lines when it is long. extra: lines of header, footer and spacing.
local KEEP_WHOLE = 24
local function keep_together(n, extra)
  local lines = (n <= KEEP_WHOLE and n or 4) + extra
  return "\\nwneedspace{" .. lines .. "\\nwcodeline}"
end

local function output_block(el)
  local demo, part = el.attributes.of, el.attributes.part
  if not demo or demo == "" then fail(el, "output div without of=\"demoN\"") end
  if not part or part == "" then fail(el, "output div of " .. demo .. " without part=\"...\"") end
  local lines = get_part(el, demo, part)
  local code = pandoc.CodeBlock(table.concat(lines, "\n"), pandoc.Attr("", {"output"}))
  if fmt == "latex" then
    local text = table.concat(lines, "\n")
    if text:find("\\end{Verbatim}", 1, true) then fail(el, "output contains \\end{Verbatim}") end
    return pandoc.RawBlock("latex", keep_together(#lines, 2) ..
      "\\begin{nwoutput}\n\\begin{Verbatim}[xleftmargin=0.9em,frame=leftline,framerule=0.8pt,"
      .. "rulecolor=\\color{black!35},framesep=0.7em,formatcom=\\color{black!80}]\n"
      .. text .. "\n\\end{Verbatim}\n\\end{nwoutput}")
  end
  return pandoc.Div({
    pandoc.Div({pandoc.Plain({pandoc.Str("Output")})}, pandoc.Attr("", {"output-label"})),
    code,
  }, pandoc.Attr("", {"program-output"}))
end

-- A printed number set as math: a true minus sign, and C's 2.6e-07 as 2.6 x 10^-7.
-- Anything that is not a plain number stays text.
local function number_inline(v)
  local mant, exp = v:match("^([-+]?%d+%.?%d*)[eE]([-+]?%d+)$")
  if mant then
    local e = tonumber(exp)
    if mant:match("^[-+]?1%.?0*$") then
      local sign = mant:sub(1, 1) == "-" and "-" or ""
      return pandoc.Math("InlineMath", sign .. "10^{" .. e .. "}")
    end
    return pandoc.Math("InlineMath", mant .. " \\times 10^{" .. e .. "}")
  end
  if v:match("^[-+]?%d+%.?%d*$") then
    return pandoc.Math("InlineMath", v)
  end
  return pandoc.Str(v)
end

local function value_inline(el)
  local demo = el.attributes.of
  local key = stringify(el.content)
  if not demo or demo == "" then fail(el, "value span [" .. key .. "] without of=\"demoN\"") end
  local lines, o = get_part(el, demo, "values")
  for _, line in ipairs(lines) do
    local k, v = line:match("^%s*(%S+)%s+(.-)%s*$")
    if k == key then return number_inline(v) end
    if not k and line:match("^%s*(%S+)%s*$") == key then
      fail(el, "key '" .. key .. "' of " .. demo .. " has no value (" .. o.path .. ")")
    end
  end
  fail(el, "unknown key '" .. key .. "' in part [values] of " .. demo .. " (" .. o.path .. ")")
end

-- ---------------------------------------------------------------- math
-- A number spliced in after math reads as one formula: "$h =$ [h]" and "$h$ = [h]" become
-- the single formula "h = 0.001" (no double space, the "=" inside the math).
local function join_spliced_math(inlines)
  local out, i = {}, 1
  local function inline_math(x) return x and x.t == "Math" and x.mathtype == "InlineMath" end
  while i <= #inlines do
    local a = inlines[i]
    local s1, e, s2, b = inlines[i + 1], inlines[i + 2], inlines[i + 3], inlines[i + 4]
    if inline_math(a) and a.text:match("=%s*$") and s1 and s1.t == "Space" and inline_math(e) then
      a = pandoc.Math("InlineMath", a.text:gsub("%s*$", "") .. " " .. e.text)
      inlines[i + 2] = a
      i = i + 2
    elseif inline_math(a) and s1 and s1.t == "Space" and e and e.t == "Str" and e.text == "="
        and s2 and s2.t == "Space" and inline_math(b) then
      inlines[i + 4] = pandoc.Math("InlineMath", a.text .. " = " .. b.text)
      i = i + 4
    else
      table.insert(out, a)
      i = i + 1
    end
  end
  return out
end

-- HTML math. texmath pairs every matching "(" and ")" into a fence marked stretchy="true",
-- which Chromium draws with extra space ("f ( x )"). Only \left, \right and \big... fences
-- are meant to stretch: every other parenthesis, bracket and bar is rewritten to \lparen,
-- \rparen, \lbrack, \rbrack, \vert, which texmath writes as stretchy="false". The TeX shown
-- in the annotation stays as written.
local FENCE_CMDS = { left = true, right = true, middle = true, big = true, Big = true,
  bigg = true, Bigg = true, bigl = true, bigr = true, Bigl = true, Bigr = true,
  biggl = true, biggr = true, Biggl = true, Biggr = true }
local TEXT_CMDS = { text = true, textrm = true, textit = true, textbf = true, mbox = true,
  operatorname = true }
local PLAIN_FENCE = { ["("] = "\\lparen ", [")"] = "\\rparen ", ["["] = "\\lbrack ",
  ["]"] = "\\rbrack ", ["|"] = "\\vert " }

local function unstretch_fences(tex)
  local out, i, n = {}, 1, #tex
  local function copy_group(open, close)   -- a balanced {...} or [...] starting at i
    local depth, j = 0, i
    while j <= n do
      local c = tex:sub(j, j)
      if c == "\\" then j = j + 1
      elseif c == open then depth = depth + 1
      elseif c == close then depth = depth - 1; if depth == 0 then break end
      end
      j = j + 1
    end
    table.insert(out, tex:sub(i, j)); i = j + 1
  end
  local function skip_space()
    local sp = tex:match("^%s*", i); table.insert(out, sp); i = i + #sp
  end
  while i <= n do
    local c = tex:sub(i, i)
    if c == "\\" then
      local name = tex:match("^%a+", i + 1)
      if name then
        table.insert(out, "\\" .. name); i = i + 1 + #name
        if FENCE_CMDS[name] then              -- the delimiter after it is meant to stretch
          skip_space()
          local d = tex:match("^\\%a+", i) or tex:sub(i, tex:sub(i, i) == "\\" and i + 1 or i)
          table.insert(out, d); i = i + #d
        elseif TEXT_CMDS[name] then           -- text, not math: leave it alone
          skip_space()
          if tex:sub(i, i) == "{" then copy_group("{", "}") end
        elseif name == "sqrt" then            -- \sqrt[3]{x}: an optional argument
          skip_space()
          if tex:sub(i, i) == "[" then copy_group("[", "]") end
        end
      else                                    -- \\ \{ \| \, ...
        local two = tex:sub(i, i + 1)
        table.insert(out, two); i = i + 2
        if two == "\\\\" then
          skip_space()
          if tex:sub(i, i) == "[" then copy_group("[", "]") end
        end
      end
    elseif PLAIN_FENCE[c] then
      table.insert(out, PLAIN_FENCE[c]); i = i + 1
    else
      table.insert(out, c); i = i + 1
    end
  end
  return table.concat(out)
end

-- \mathrm{relu} comes out as <mstyle mathvariant="normal"><mi>r</mi><mi>e</mi>...</mstyle>;
-- MathML Core (Chromium) ignores mathvariant on mstyle and draws each one-letter <mi>
-- italic. A word in one <mi> is upright; one letter gets mathvariant="normal".
local function upright_words(mathml)
  return (mathml:gsub('<mstyle mathvariant="normal">(.-)</mstyle>', function(inner)
    local letters = {}
    local rest = inner:gsub("<mi>([^<]*)</mi>", function(x) table.insert(letters, x); return "" end)
    if rest ~= "" or #letters == 0 then return nil end
    local word = table.concat(letters)
    if utf8.len(word) == 1 then return '<mi mathvariant="normal">' .. word .. "</mi>" end
    return "<mi>" .. word .. "</mi>"
  end))
end

-- A sign right after an operator, an opening fence or a comma is a sign, not a binary
-- operator: TeX sets [-5, 5] and h = -3 tight; MathML Core does only when told form="prefix".
local CLOSERS = { [")"] = true, ["]"] = true, ["}"] = true, ["|"] = true, ["\u{2016}"] = true,
  ["\u{27E9}"] = true, ["\u{230B}"] = true, ["\u{2309}"] = true, ["!"] = true, ["\u{2032}"] = true }
local function unary_signs(mathml)
  for _, sign in ipairs({"\u{2212}", "%+"}) do
    mathml = mathml:gsub("(<mo[^>]*>)([^<]*)(</mo>)<mo>(" .. sign .. ")</mo>", function(o, x, c, sg)
      if CLOSERS[x] then return nil end
      return o .. x .. c .. '<mo form="prefix">' .. sg .. "</mo>"
    end)
  end
  return mathml
end

-- \tanh, \exp, \max come out as <mo>tanh</mo>, an operator the browser does not know and
-- pads on both sides ("so, as with  tanh ,"). A function name is an upright identifier
-- followed by a thin space before its argument, as TeX sets it; \lim under its limit stays.
local function function_names(mathml)
  local thin = '<mspace width="0.1667em"></mspace>'
  mathml = mathml:gsub("<munder><mo>(%a+)</mo>", "<munder><mo\1>%1</mo>")
  mathml = mathml:gsub("<msup><mo>(%a%a+)</mo>", "<msup><mi\3>%1</mi>")    -- tanh^2
  mathml = mathml:gsub("<mo>(%a%a+)</mo>", "<mi\2>%1</mi>")
  mathml = mathml:gsub("(<msup><mi\3>[^<]*</mi><mn>[^<]*</mn></msup>)(<m[in][ >])", "%1" .. thin .. "%2")
  mathml = mathml:gsub("(<mi\2>[^<]*</mi>)(<m[in][ >])", "%1" .. thin .. "%2")
  mathml = mathml:gsub("(</m[in]>)(<mi\2>)", "%1" .. thin .. "%2")
  mathml = mathml:gsub("(</mfrac>)(<mi\2>)", "%1" .. thin .. "%2")
  mathml = mathml:gsub("(</m[in]>)(<msup><mi\3>)", "%1" .. thin .. "%2")
  mathml = mathml:gsub("(</mfrac>)(<msup><mi\3>)", "%1" .. thin .. "%2")
  return (mathml:gsub("<mo\1>", "<mo>"):gsub("<mi[\2\3]>", "<mi>"))
end

-- texmath writes \ell as an operator (<mo>ℓ</mo>, padded like "+": "ℓ _i =") and \lVert,
-- \rVert as U+2225 "parallel to", an operator padded like a relation ("∥ Δ ∥²"). ℓ is a
-- letter; the norm's bars are U+2016 with no space of their own, as TeX sets them.
local function ordinary_symbols(mathml)
  mathml = mathml:gsub("<mo>\u{2113}</mo>", "<mi>\u{2113}</mi>")
  return (mathml:gsub("<mo([^>]*)>\u{2225}</mo>", '<mo%1 lspace="0em" rspace="0em">\u{2016}</mo>'))
end

local function escape_xml(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

local function html_math(m)
  local doc = pandoc.Pandoc({pandoc.Plain({pandoc.Math(m.mathtype, unstretch_fences(m.text))})})
  local s = pandoc.write(doc, "html5", {html_math_method = "mathml"}):gsub("%s+$", "")
  if not s:match("^<math") then fail(nil, "math did not become MathML: " .. m.text) end
  s = ordinary_symbols(function_names(unary_signs(upright_words(s))))
  s = s:gsub('(<annotation encoding="application/x%-tex">).-(</annotation>)',
    function(a, b) return a .. escape_xml(m.text) .. b end)
  if m.mathtype == "DisplayMath" then
    -- a block that scrolls sideways on a narrow screen, not a page that does
    s = '<span class="math-display">' .. s .. "</span>"
  end
  return pandoc.RawInline("html", s)
end

-- ---------------------------------------------------------------- chunks
local function write_inlines(inlines)
  local s = pandoc.write(pandoc.Pandoc({pandoc.Plain(inlines)}), fmt)
  return (s:gsub("%s+$", ""))
end

local function write_block(block)
  local s = pandoc.write(pandoc.Pandoc({block}), fmt)
  return (s:gsub("%s+$", ""))
end

local function escape_pattern(s) return (s:gsub("%p", "%%%0")) end

local function chunk_blocks(el)
  local header, code, uses, footer
  for _, b in ipairs(el.content) do
    if b.t == "CodeBlock" then code = b
    elseif b.t == "Div" and b.classes:includes("chunk-header") then header = b
    elseif b.t == "Div" and b.classes:includes("chunk-uses") then uses = b
    elseif b.t == "Div" and b.classes:includes("chunk-footer") then footer = b
    end
  end
  if not code or not header then fail(el, "malformed chunk " .. el.identifier) end
  local id = el.identifier
  local lang = el.attributes.lang or "c"

  -- render the code, then splice in the links for chunk uses
  local cb
  if lang == "c" then
    cb = pandoc.CodeBlock(code.text, pandoc.Attr(id .. "_c", {"c"}))
  else
    cb = pandoc.CodeBlock(code.text, pandoc.Attr(id .. "_c", {"plain"}))
  end
  local raw = write_block(cb)
  local links = {}
  if uses then
    for _, item in ipairs(uses.content[1].content) do
      local inl = item[1].content
      local link = inl[1]
      if fmt == "html" then
        link.classes = {"chunk-use"}
      end
      local s = write_inlines({link}):gsub("%s*\n%s*", " ")
      if fmt == "latex" then s = "\\nwuse{" .. s .. "}" end
      table.insert(links, s)
    end
  end
  raw = raw:gsub("NWCHUNKUSE(%d+)X", function(n)
    local l = links[tonumber(n)]
    if not l then fail(el, "internal: no link for chunk use " .. n) end
    return l
  end)

  if fmt == "html" then
    local blocks = {}
    table.insert(blocks, header)
    table.insert(blocks, pandoc.RawBlock("html", raw))
    if footer then table.insert(blocks, footer) end
    return pandoc.Div(blocks, pandoc.Attr(id, {"chunk"}))
  end

  -- LaTeX: an anchor and a label for \pageref, the header kept with the code
  local head = write_inlines(pandoc.utils.blocks_to_inlines(header.content))
  local foot = footer and write_inlines(pandoc.utils.blocks_to_inlines(footer.content)) or ""
  return {
    pandoc.RawBlock("latex", keep_together(select(2, code.text:gsub("\n", "")) + 1, 3)),
    pandoc.RawBlock("latex",
      "\\begin{nwchunk}\\nwchunkheader{" .. id .. "}{" .. head .. "}"),
    pandoc.RawBlock("latex", raw),
    pandoc.RawBlock("latex", "\\nopagebreak"),
    pandoc.RawBlock("latex", "\\nwchunkfooter{" .. foot .. "}\\end{nwchunk}"),
  }
end

-- LaTeX: where inline code may break (tools/nwbook.sty): freely after ", ", at another space
-- (\\nwsp) or after an underscore (\\nwus) only when nothing better is left, so that a long
-- test name such as test_sum_times_product_grads_match_central_differences does not run into
-- the margin while "Activation act_hidden" stays on one line where it can; never at a hyphen
-- (\\nwhy: "--data" is not split into "-" and "-data").
local function breakable_code(el)
  local s = write_inlines({el})
  local inner = s:match("^\\texttt(%b{})$")
  if not inner then return nil end
  inner = inner:sub(2, -2):gsub("\\%-", "\0"):gsub("\\_", "\1"):gsub("\\ ", "\2")
  inner = inner:gsub("%-", "\\nwhy{}"):gsub(",\2", ",\\ "):gsub("\2", "\\nwsp{}")
  inner = inner:gsub("\1", "\\nwus{}"):gsub("\0", "\\-")
  return pandoc.RawInline("latex", "\\texttt{" .. inner .. "}")
end

-- LaTeX: a figure (a paragraph that is one image with a caption) becomes \nwfigure{file}{caption},
-- defined in the preamble below: at the book's common scale, turned to landscape when too wide.
local function latex_figure(el)
  if #el.content ~= 1 or el.content[1].t ~= "Image" or el.content[1].title ~= "fig:" then
    return nil
  end
  local img = el.content[1]
  local inlines = {pandoc.RawInline("latex", "\\nwfigure{" .. img.src .. "}{")}
  for _, x in ipairs(img.caption) do table.insert(inlines, x) end
  table.insert(inlines, pandoc.RawInline("latex", "}"))
  return pandoc.Plain(inlines)
end

-- ---------------------------------------------------------------- the code as it stands
-- A listing of a snapshot's file or of a chapter's changes (tools/nw2md writes it as a code
-- block of class "snapshot"; its attribute lines= holds, for each line, "kind,href,label,name":
-- kind c (unchanged), a (added), d (removed), s (unchanged lines left out)). HTML: the code
-- highlighted as C, each line led by a link to the chunk it comes from, labelled where a new
-- run of lines from one chunk starts.
local function pct_decode(x)
  return (x:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

local function snapshot_block(el)
  local rows = {}
  for entry in ((el.attributes.lines or "") .. ";"):gmatch("([^;]*);") do
    local k, href, label, name = entry:match("^(%a),([^,]*),([^,]*),(.*)$")
    if not k then fail(el, "malformed lines= entry in listing " .. el.identifier .. ": " .. entry) end
    table.insert(rows, {kind = k, href = href, label = label, name = pct_decode(name)})
  end
  local diff = false
  for _, r in ipairs(rows) do if r.kind ~= "c" then diff = true end end
  local id = el.identifier
  local raw = write_block(pandoc.CodeBlock(el.text, pandoc.Attr(id, {"c"})))
  local prev, seen = nil, 0
  local CLASS = {c = "same", a = "added", d = "removed", s = "skipped"}
  local MARK = {c = " ", a = "+", d = "\u{2212}", s = " "}
  raw = raw:gsub('<span id="' .. escape_pattern(id) .. '%-(%d+)"><a href="[^"]*" aria%-hidden="true" tabindex="%-1"></a>',
    function(n)
      local r = rows[tonumber(n)]
      if not r then fail(el, "listing " .. id .. ": no provenance for line " .. n) end
      seen = seen + 1
      local gutter
      if r.href ~= "" then
        local text = r.label ~= prev and r.label or ""
        prev = r.label
        gutter = '<a class="from" href="' .. escape_xml(r.href) .. '" title="' .. r.label .. " \u{27E8}"
          .. escape_xml(r.name):gsub('"', "&quot;") .. '\u{27E9}">' .. text .. "</a>"
      else
        prev = nil
        gutter = '<span class="from"></span>'
      end
      if diff then gutter = gutter .. '<span class="mark">' .. MARK[r.kind] .. "</span>" end
      return '<span id="' .. id .. "-" .. n .. '" class="line ' .. CLASS[r.kind] .. '">' .. gutter
    end)
  if seen ~= #rows then
    fail(el, "listing " .. id .. ": " .. #rows .. " lines of provenance, " .. seen .. " lines of code")
  end
  return pandoc.RawBlock("html", '<div class="listing' .. (diff and " diff" or "") .. '">' .. raw .. "</div>")
end

-- ---------------------------------------------------------------- walking
local block_filter = {
  Span = function(el)
    if el.classes:includes("value") then return value_inline(el) end
  end,
  Div = function(el)
    if el.classes:includes("output") then return output_block(el) end
  end,
}

local function process(block)
  if block.t == "Div" and block.classes:includes("chunk") then
    return chunk_blocks(block)
  end
  if block.t == "Div" and block.classes:includes("output") then
    return output_block(block)
  end
  if block.t == "CodeBlock" and block.classes:includes("snapshot") and fmt == "html" then
    return snapshot_block(block)
  end
  if block.t == "Div" and block.classes:includes("nwchapter") then
    return block                 -- EPUB: where a chapter starts (see epub_book below)
  end
  if block.t == "Div" and block.classes:includes("chapter-code") and epub then
    return {}                    -- the code pages are the HTML edition's only
  end
  if block.t == "Div" and block.classes:includes("nwfile") then
    source = block.attributes.source
    mdfile = block.attributes.md or mdfile
    if fmt == "latex" then return pandoc.RawBlock("latex", "% nw2md-source: " .. source) end
    return {}
  end
  return pandoc.walk_block(block, block_filter)
end

-- section numbers for the HTML pages: 1.2, 1.2.3, A.1
local function number_headers(blocks, label)
  local counters = {0, 0, 0, 0, 0, 0}
  for _, b in ipairs(blocks) do
    if b.t == "Header" and b.level >= 2 and not b.classes:includes("unnumbered") then
      local lvl = b.level
      counters[lvl] = counters[lvl] + 1
      for i = lvl + 1, 6 do counters[i] = 0 end
      local parts = {label}
      for i = 2, lvl do table.insert(parts, tostring(counters[i])) end
      local num = table.concat(parts, ".")
      table.insert(b.content, 1, pandoc.Space())
      table.insert(b.content, 1, pandoc.Span({pandoc.Str(num)},
        pandoc.Attr("", {"header-section-number"})))
    end
  end
end

-- ---------------------------------------------------------------- PDF title page
local function latex_escape(x)
  return (x:gsub("[\\{}$&#^_%%~]", function(c)
    if c == "\\" then return "\\textbackslash{}" end
    if c == "^" or c == "~" then return "\\string" .. c end
    return "\\" .. c
  end))
end

-- The title page and the colophon are set by tools/nwbook.sty; here its \nwsettitle gets the
-- title, the subtitle, what the book builds, the version and the date (the last two passed in by
-- tools/weave-pdf as metadata).
local function title_page(meta)
  local full = stringify(meta.booktitle)
  local title, subtitle = full:match("^(.-):%s+(.+)$")
  if not title then title, subtitle = full, "" end
  local version = meta.version and stringify(meta.version) or "unknown"
  local date = meta.date and stringify(meta.date) or ""
  local args = {}
  for _, x in ipairs({title, subtitle, BOOK_BUILDS, version, date}) do
    table.insert(args, "{" .. latex_escape(x) .. "}")
  end
  return "\\nwsettitle" .. table.concat(args) .. "\n"
end

-- ---------------------------------------------------------------- EPUB
-- tools/weave-epub gives the whole book as one document, each chapter (and each index page)
-- led by a marker ::: {.nwchapter base=... label=... appendix=...}. Here each chapter's title
-- gets its label and its sections their numbers, as on the HTML pages; links to another
-- page of the HTML edition (base.html#id, base.html) become links inside the book, which
-- pandoc points at the file it puts the target in. The links inside raw HTML (chunk uses in
-- the code, the index pages) pandoc does not see: they are pointed at the right file here,
-- with pandoc's own names (a new file chNNN.xhtml at each level-1 header).
local function epub_book(blocks)
  local out, first_id, label, want_title, base = {}, {}, nil, false, nil
  local chapters = {}           -- { label, blocks }
  for _, b in ipairs(blocks) do
    if b.t == "Div" and b.classes:includes("nwchapter") then
      base = b.attributes.base
      label = b.attributes.label ~= "" and b.attributes.label or nil
      want_title = true
      table.insert(chapters, {label = label, blocks = {}})
    else
      if b.t == "Header" and b.level == 1 and want_title then
        want_title = false
        first_id[base] = b.identifier
        if label then
          table.insert(b.content, 1, pandoc.Space())
          table.insert(b.content, 1, pandoc.Span({pandoc.Str(label)},
            pandoc.Attr("", {"header-section-number"})))
        end
      end
      if #chapters > 0 then table.insert(chapters[#chapters].blocks, b) end
      table.insert(out, b)
    end
  end
  for _, c in ipairs(chapters) do
    if c.label then number_headers(c.blocks, c.label) end
  end
  -- links to another page of the HTML edition
  local function local_target(url)
    local page, frag = url:match("^([%w_%-]+)%.html#(.+)$")
    if page then return "#" .. frag end
    page = url:match("^([%w_%-]+)%.html$")
    if page and first_id[page] then return "#" .. first_id[page] end
    return nil
  end
  for i, b in ipairs(out) do
    out[i] = pandoc.walk_block(b, {Link = function(l)
      local t = local_target(l.target)
      if t then l.target = t; return l end
    end})
  end
  -- which file each id lands in
  local file_of, n = {}, 0
  local function note(id) if id and id ~= "" and not file_of[id] then file_of[id] = n end end
  local function note_raw(r) for id in r.text:gmatch('%sid="([^"]+)"') do note(id) end end
  local collect = {
    Div = function(e) note(e.identifier) end, Span = function(e) note(e.identifier) end,
    Header = function(e) note(e.identifier) end, CodeBlock = function(e) note(e.identifier) end,
    Link = function(e) note(e.identifier) end, Image = function(e) note(e.identifier) end,
    RawBlock = note_raw, RawInline = note_raw,
  }
  for _, b in ipairs(out) do
    if n == 0 or (b.t == "Header" and b.level == 1) then n = n + 1 end
    note(b.identifier)
    if b.t == "RawBlock" then note_raw(b) end
    pandoc.walk_block(b, collect)
  end
  local function fix_raw(r)
    if r.format ~= "html" then return nil end
    r.text = r.text:gsub('href="([^"#]*)#([^"]+)"', function(page, id)
      if page ~= "" and not page:match("^[%w_%-]+%.html$") then return nil end
      if not file_of[id] then return nil end
      return string.format('href="ch%03d.xhtml#%s"', file_of[id], id)
    end)
    return r
  end
  for i, b in ipairs(out) do
    if b.t == "RawBlock" then out[i] = fix_raw(b) or b
    else out[i] = pandoc.walk_block(b, {RawBlock = fix_raw, RawInline = fix_raw}) end
  end
  return out
end

function Pandoc(doc)
  local meta = doc.meta
  if meta.builddir then builddir = stringify(meta.builddir) end
  if meta.source then source = stringify(meta.source) end
  if not meta.booktitle then meta.booktitle = pandoc.MetaInlines({pandoc.Str(BOOK_TITLE)}) end

  local out = {}
  for _, b in ipairs(doc.blocks) do
    local r = process(b)
    if r.t then table.insert(out, r)
    else for _, x in ipairs(r) do table.insert(out, x) end end
  end
  for i, b in ipairs(out) do
    b = pandoc.walk_block(b, {Inlines = join_spliced_math})
    if fmt == "html" then b = pandoc.walk_block(b, {Math = html_math})
    elseif b.t ~= "Header" then
      b = pandoc.walk_block(b, {Code = breakable_code})
      b = b.t == "Para" and latex_figure(b) or pandoc.walk_block(b, {Para = latex_figure})
    end
    out[i] = b
  end

  if epub then
    out = epub_book(out)
    meta.title = meta.booktitle
    table.insert(out, pandoc.Div({pandoc.CodeBlock("int x;", pandoc.Attr("", {"c"}))},
      pandoc.Attr("", {"hl-keep"}, {{"hidden", "hidden"}})))
  elseif fmt == "html" then
    if meta["index-page"] then
      meta.pagetitle = meta.booktitle
      meta.title = meta.booktitle
    else
      -- the first level-1 header is the chapter title: move it to the page title
      for i, b in ipairs(out) do
        if b.t == "Header" and b.level == 1 then
          if not meta.title then meta.title = pandoc.MetaInlines(b.content) end
          table.remove(out, i)
          break
        end
      end
      local label = meta["chapter-label"] and stringify(meta["chapter-label"]) or nil
      if label then
        number_headers(out, label)
        meta["chapter-kind"] = meta.appendix and "Appendix" or "Chapter"
      end
      meta.pagetitle = stringify(meta.title or "") .. " \u{2014} " .. stringify(meta.booktitle)
    end
    -- one ordinary highlighted block (hidden) so pandoc emits the highlighting CSS
    table.insert(out, pandoc.Div({pandoc.CodeBlock("int x;", pandoc.Attr("", {"c"}))},
      pandoc.Attr("", {"hl-keep"}, {{"hidden", "hidden"}})))
  else
    if not meta.title then meta.title = meta.booktitle end
    -- the figures are raw LaTeX (\nwfigure), so pandoc sees no image: have its template set
    -- up graphicx (\maxwidth, \maxheight, the default keys) as it does for images
    meta.graphics = true
    -- one ordinary highlighted block (skipped by TeX) so pandoc emits the macros
    table.insert(out, pandoc.RawBlock("latex", "\\iffalse"))
    table.insert(out, pandoc.CodeBlock("int x;", pandoc.Attr("", {"c"})))
    table.insert(out, pandoc.RawBlock("latex", "\\fi"))
    local inc = meta["header-includes"]
    local list = {}
    if inc then
      if inc.t == "MetaList" or (type(inc) == "table" and not inc.t and #inc > 0) then
        for _, x in ipairs(inc) do table.insert(list, x) end
      else
        table.insert(list, inc)
      end
    end
    -- the LaTeX of the book is tools/nwbook.sty (tools/weave-pdf copies it next to book.tex)
    local preamble = "\\usepackage{nwbook}\n"
    local gp = meta["latex-graphicspath"]
    if gp then
      preamble = preamble .. "\\graphicspath{{" .. stringify(gp) .. "/}}\n"
    end
    preamble = preamble .. title_page(meta)
    table.insert(list, pandoc.MetaBlocks({pandoc.RawBlock("latex", preamble)}))
    meta["header-includes"] = pandoc.MetaList(list)
  end
  return pandoc.Pandoc(out, meta)
end
