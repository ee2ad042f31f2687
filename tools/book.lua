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

local stringify = pandoc.utils.stringify
local fmt = FORMAT:match("latex") and "latex" or "html"

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

local function output_block(el)
  local demo, part = el.attributes.of, el.attributes.part
  if not demo or demo == "" then fail(el, "output div without of=\"demoN\"") end
  if not part or part == "" then fail(el, "output div of " .. demo .. " without part=\"...\"") end
  local lines = get_part(el, demo, part)
  local code = pandoc.CodeBlock(table.concat(lines, "\n"), pandoc.Attr("", {"output"}))
  if fmt == "latex" then
    local text = table.concat(lines, "\n")
    if text:find("\\end{Verbatim}", 1, true) then fail(el, "output contains \\end{Verbatim}") end
    return pandoc.RawBlock("latex",
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
    pandoc.RawBlock("latex",
      "\\begin{nwchunk}\\nwchunkheader{" .. id .. "}{" .. head .. "}"),
    pandoc.RawBlock("latex", raw),
    pandoc.RawBlock("latex", "\\nopagebreak"),
    pandoc.RawBlock("latex", "\\nwchunkfooter{" .. foot .. "}\\end{nwchunk}"),
  }
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

  if fmt == "html" then
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
    local preamble = [[
\usepackage{xcolor}
\usepackage{fancyvrb}
\fvset{fontsize=\footnotesize}
\makeatletter
\newenvironment{nwchunk}{\par\addvspace{\medskipamount}\begingroup\@endparpenalty=\@M}{\par\endgroup\addvspace{\medskipamount}}
\newcommand{\nwchunkheader}[2]{\noindent\hypertarget{#1}{}\phantomsection\label{#1}{\small #2}\par\nopagebreak\vspace{-0.6\baselineskip}\nopagebreak}
\newcommand{\nwchunkfooter}[1]{\vspace{-0.7\baselineskip}\noindent{\footnotesize\color{black!65}#1}\par}
\newenvironment{nwoutput}{\par\addvspace{\medskipamount}\begingroup\@endparpenalty=\@M\noindent{\footnotesize\sffamily\color{black!60}Output}\par\nopagebreak\vspace{-0.5\baselineskip}\nopagebreak}{\par\endgroup\addvspace{\medskipamount}}
\newcommand{\nwuse}[1]{{\rmfamily\itshape #1}}
\makeatother
]]
    local gp = meta["latex-graphicspath"]
    if gp then
      preamble = preamble .. "\\usepackage{graphicx}\\graphicspath{{" .. stringify(gp) .. "/}}\n"
    end
    table.insert(list, pandoc.MetaBlocks({pandoc.RawBlock("latex", preamble)}))
    meta["header-includes"] = pandoc.MetaList(list)
  end
  return pandoc.Pandoc(out, meta)
end
