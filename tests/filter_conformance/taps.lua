-- One tshark tap per display filter (a tap's filter is a display filter, evaluated on the
-- same dissection as -Y); at the end writes, per filter, the matched frame numbers as
-- ranges ("1-5,9"), or ERROR when tshark rejects the filter. Used by make_truth.sh.
local filters = {}
for line in io.lines(os.getenv("FILTERS_FILE")) do filters[#filters + 1] = line end
local hits = {}
for i, f in ipairs(filters) do
  local ok, tap = pcall(Listener.new, "frame", f)
  if ok then
    hits[i] = {}
    tap.packet = function(pinfo) local h = hits[i]; h[#h + 1] = pinfo.number end
  end
end
local function ranges(list)
  local out, i = {}, 1
  while i <= #list do
    local j = i
    while j < #list and list[j + 1] == list[j] + 1 do j = j + 1 end
    out[#out + 1] = (i == j) and tostring(list[i]) or (list[i] .. "-" .. list[j])
    i = j + 1
  end
  return table.concat(out, ",")
end
local done = Listener.new("frame", nil)
function done.draw()
  local out = io.open(os.getenv("OUT_FILE"), "w")
  for i = 1, #filters do
    if hits[i] == nil then out:write((i - 1) .. " ERROR\n")
    elseif #hits[i] > 0 then out:write((i - 1) .. " " .. ranges(hits[i]) .. "\n") end
  end
  out:close()
end
